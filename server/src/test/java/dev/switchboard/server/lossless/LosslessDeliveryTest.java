package dev.switchboard.server.lossless;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.server.lossless.DeliveryChecker.Report;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The proof of issue 3: no message the server acknowledged is ever lost, on any device, whatever
 * the network and the server process do. Six accounts, eight devices (two accounts with two) send
 * each other numbered messages, to bare and full JIDs, for a minute while their connections are
 * cut, blackholed and taken offline, apps restart, and the server is killed with SIGKILL and
 * restarted on the same data directory; then everything settles and {@link DeliveryChecker}
 * compares what every device received with what the server acknowledged: nothing lost, duplicated
 * or out of order, no acknowledged message bounced, and every one in its recipient's archive.
 *
 * <p>The random choices follow a fixed seed, printed at the start; {@code -Dlossless.seed=N}
 * repeats a run's choices and {@code -Dlossless.seconds=N} changes the chaos time (default 60).
 * {@code -Dlossless.strictArrivalOrder=true} also fails on arrival inversions. The run's files
 * (events.log, server.log, the data directory if it failed) are in {@code target/lossless/seed-N}.
 */
class LosslessDeliveryTest {
  static final long DEFAULT_SEED = 20261117L;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void everyAcknowledgedMessageReachesEveryDeviceOnceAndInOrder() throws Exception {
    long seed = Long.getLong("lossless.seed", DEFAULT_SEED);
    long seconds = Long.getLong("lossless.seconds", 60);
    boolean strictArrival = Boolean.getBoolean("lossless.strictArrivalOrder");
    Path dir = Path.of("target", "lossless", "seed-" + seed + "-" + System.currentTimeMillis());
    System.out.println("lossless delivery: seed " + seed + ", work dir " + dir.toAbsolutePath());
    Report report;
    LosslessRun run = LosslessRun.start(LosslessRun.Options.defaults(seed, dir, System.out));
    try {
      run.chaos(Duration.ofSeconds(seconds), 1);
      run.settle(Duration.ofSeconds(90));
      report = run.check();
    } finally {
      run.close();
    }
    String why = "seed " + seed + ", files in " + dir.toAbsolutePath() + "\n" + report.format();
    assertThat(run.serverKills()).as("server kills").isGreaterThanOrEqualTo(1);
    assertThat(report.acknowledged()).as("acknowledged messages").isPositive();
    assertThat(report.devicesNotBack()).as(why).isEmpty();
    assertThat(report.lost()).as(why).isZero();
    assertThat(report.duplicates()).as(why).isZero();
    assertThat(report.outOfOrder()).as(why).isZero();
    assertThat(report.bounced()).as(why).isZero();
    assertThat(report.archivesNotRead()).as(why).isEmpty();
    assertThat(report.missingFromArchive()).as(why).isZero();
    assertThat(report.ok()).as(why).isTrue();
    if (strictArrival) {
      assertThat(report.arrivalInversions()).as(why).isZero();
    }
    run.deleteData();
  }
}
