package dev.switchboard.server.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.server.config.ServerConfig;

/**
 * The actor system's configuration: a Pekko cluster (of one node without seeds) over Artery TCP,
 * keep-majority split-brain resolution, CBOR for messages between nodes, no automatic passivation
 * (account actors stop themselves when idle), and logging through SLF4J.
 */
public final class PekkoConfig {
  private PekkoConfig() {}

  /** Pekko's settings for a node with this configuration; keys under pekko.* in it win. */
  public static Config of(ServerConfig config) {
    ServerConfig.Cluster cluster = config.cluster();
    StringBuilder seeds = new StringBuilder();
    for (String seed : cluster.seeds()) {
      seeds
          .append(seeds.isEmpty() ? "" : ", ")
          .append("\"pekko://switchboard@")
          .append(seed)
          .append('"');
    }
    Config ours =
        ConfigFactory.parseString(
            """
            pekko {
              loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
              logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
              loglevel = INFO
              log-dead-letters = 0
              log-dead-letters-during-shutdown = off
              actor {
                provider = cluster
                # one dispatcher thread per core: actors never block (storage has its own
                # threads), and more threads than cores only add wake-ups (measured: about 12 percent
                # less CPU per chat message than Pekko's default of at least 8 threads)
                default-dispatcher.fork-join-executor {
                  parallelism-min = 1
                  parallelism-factor = 1.0
                }
                serialization-bindings {
                  "dev.switchboard.server.cluster.CborSerializable" = jackson-cbor
                }
              }
              serialization.jackson.jackson-modules += "dev.switchboard.server.cluster.XmppJacksonModule"
              remote.artery.canonical.hostname = "%s"
              remote.artery.canonical.port = %d
              cluster {
                seed-nodes = [%s]
                downing-provider-class = "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider"
                split-brain-resolver {
                  active-strategy = keep-majority
                  stable-after = %ds
                }
                jmx.enabled = off
                log-info = off
                sharding.passivation.strategy = none
                # Pekko's default is 1,000. Each shard is placed by the coordinator the first
                # time one of its accounts is used after a start, and logins to it wait for that.
                # With 200, the first 10,000 logins of a fresh server had a p99 of 1.9-2.8 s
                # instead of 3.6-4.6 s, and used 5 percent less CPU (docs/benchmarks.md). That is
                # still ten shards per node for up to 20 nodes. Every node of a cluster must use
                # the same value.
                sharding.number-of-shards = 200
              }
              coordinated-shutdown.exit-jvm = off
              coordinated-shutdown.run-by-jvm-shutdown-hook = off
              # our own shutdown hook drains sessions, then leaves; Pekko's hooks would cut
              # remoting at once and the node would be downed as unreachable instead
              jvm-shutdown-hooks = off
            }
            """
                .formatted(
                    cluster.host(),
                    cluster.port(),
                    seeds,
                    Math.max(1, cluster.stableAfter().toSeconds())));
    Config user =
        config.raw().hasPath("pekko") ? config.raw().withOnlyPath("pekko") : ConfigFactory.empty();
    return user.withFallback(ours).withFallback(ConfigFactory.load()).resolve();
  }
}
