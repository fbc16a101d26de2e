package dev.switchboard.server.lossless;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.server.lossless.DeliveryChecker.Report;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The proof of issue 5: the lossless-delivery harness over a cluster of three nodes (three JVMs on
 * PostgreSQL). Devices are spread over the nodes, each through its own chaos proxy; during the load
 * one node is killed with SIGKILL (its clients reconnect to the others while it is down; it is
 * started again once the cluster removed it) and one node leaves gracefully with SIGTERM (sending
 * its clients elsewhere with {@code <see-other-host/>}) and comes back. Then {@link
 * DeliveryChecker} must report no loss, no duplicates and per-sender order, no acknowledged message
 * bounced and every acknowledged message in its recipient's archive.
 *
 * <p>{@code -Dlossless.cluster.seed=N} repeats a run's random choices, {@code
 * -Dlossless.cluster.seconds=N} changes the load time (default 60). Files in {@code
 * target/lossless-cluster/seed-N-*}: events.log and one directory per node with its server.log.
 */
class ClusterLosslessTest {
  static final long DEFAULT_SEED = 20261128L;

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void killAndLeaveUnderLoadLoseNothing() throws Exception {
    long seed = Long.getLong("lossless.cluster.seed", DEFAULT_SEED);
    long seconds = Long.getLong("lossless.cluster.seconds", 60);
    Path dir =
        Path.of("target", "lossless-cluster", "seed-" + seed + "-" + System.currentTimeMillis());
    System.out.println("cluster lossless delivery: seed " + seed + ", work dir " + dir);
    Report report;
    LosslessRun run =
        LosslessRun.start(LosslessRun.Options.defaults(seed, dir, System.out).withNodes(3));
    try {
      run.chaos(Duration.ofSeconds(seconds), 1, 1);
      run.settle(Duration.ofSeconds(120));
      report = run.check();
    } finally {
      run.close();
    }
    String why = "seed " + seed + ", files in " + dir.toAbsolutePath() + "\n" + report.format();
    assertThat(run.serverKills()).as("node kills").isEqualTo(1);
    assertThat(run.leaves()).as("graceful leaves").isEqualTo(1);
    assertThat(report.acknowledged()).as("acknowledged messages").isPositive();
    assertThat(report.devicesNotBack()).as(why).isEmpty();
    assertThat(report.lost()).as(why).isZero();
    assertThat(report.duplicates()).as(why).isZero();
    assertThat(report.outOfOrder()).as(why).isZero();
    assertThat(report.bounced()).as(why).isZero();
    assertThat(report.archivesNotRead()).as(why).isEmpty();
    assertThat(report.missingFromArchive()).as(why).isZero();
    assertThat(report.ok()).as(why).isTrue();
    run.deleteData();
  }
}
