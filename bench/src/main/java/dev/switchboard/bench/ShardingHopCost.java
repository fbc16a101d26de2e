package dev.switchboard.bench;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * What the per-account owner path costs: the same stream of one-way messages sent to a plain actor
 * and to a Cluster Sharding entity on a one-node cluster, as the server's router does for every
 * stanza. Prints nanoseconds per message for each.
 *
 * <p>Run: {@code java -cp ... dev.switchboard.bench.ShardingHopCost [messages] [rounds]}
 */
public final class ShardingHopCost {
  /** Messages to the counting actor. */
  public sealed interface Msg {}

  /** One counted message. */
  public record Hit() implements Msg {}

  /** Completes {@code done} once {@code expected} hits have arrived. */
  public record Expect(long expected, CompletableFuture<Long> done) implements Msg {}

  static final EntityTypeKey<Msg> KEY = EntityTypeKey.create(Msg.class, "counter");

  static Behavior<Msg> counter() {
    return Behaviors.setup(
        ctx -> {
          long[] count = {0};
          Expect[] waiting = {null};
          return Behaviors.receive(Msg.class)
              .onMessage(
                  Hit.class,
                  h -> {
                    count[0]++;
                    if (waiting[0] != null && count[0] >= waiting[0].expected()) {
                      waiting[0].done().complete(count[0]);
                      waiting[0] = null;
                    }
                    return Behaviors.same();
                  })
              .onMessage(
                  Expect.class,
                  e -> {
                    if (count[0] >= e.expected()) {
                      e.done().complete(count[0]);
                    } else {
                      waiting[0] = e;
                    }
                    return Behaviors.same();
                  })
              .build();
        });
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "bench",
            ConfigFactory.parseString(
                    """
                    pekko.actor.provider = cluster
                    pekko.remote.artery.canonical.hostname = "127.0.0.1"
                    pekko.remote.artery.canonical.port = 0
                    pekko.cluster.downing-provider-class = "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider"
                    pekko.cluster.sharding.passivation.strategy = none
                    pekko.loglevel = WARNING
                    """)
                .withFallback(ConfigFactory.load()));
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    while (cluster.selfMember().status() != MemberStatus.up()) {
      Thread.sleep(20);
    }
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(Entity.of(KEY, ec -> counter()));
    ActorRef<Msg> direct =
        system.systemActorOf(counter(), "direct", org.apache.pekko.actor.typed.Props.empty());
    RecipientRef<Msg> sharded = sharding.entityRefFor(KEY, "alice@localhost");

    long sentDirect = 0;
    long sentSharded = 0;
    for (int r = 0; r < rounds; r++) {
      sentDirect += n;
      double d = run(direct, n, sentDirect);
      sentSharded += n;
      double s = runSharded(sharding, n, sentSharded);
      System.out.printf(
          "round %d: direct actor %.0f ns/msg, sharded entity %.0f ns/msg (+%.0f ns)%n",
          r + 1, d, s, s - d);
    }
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static double run(ActorRef<Msg> target, int n, long total) throws Exception {
    Hit hit = new Hit();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      target.tell(hit);
    }
    CompletableFuture<Long> done = new CompletableFuture<>();
    target.tell(new Expect(total, done));
    done.get(Duration.ofMinutes(2).toSeconds(), TimeUnit.SECONDS);
    return (System.nanoTime() - t0) / (double) n;
  }

  /** Like the router: looks the entity up for each message, then tells it. */
  private static double runSharded(ClusterSharding sharding, int n, long total) throws Exception {
    Hit hit = new Hit();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      sharding.entityRefFor(KEY, "alice@localhost").tell(hit);
    }
    CompletableFuture<Long> done = new CompletableFuture<>();
    sharding.entityRefFor(KEY, "alice@localhost").tell(new Expect(total, done));
    done.get(Duration.ofMinutes(2).toSeconds(), TimeUnit.SECONDS);
    return (System.nanoTime() - t0) / (double) n;
  }
}
