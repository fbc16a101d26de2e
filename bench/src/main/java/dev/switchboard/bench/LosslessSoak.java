package dev.switchboard.bench;

import dev.switchboard.server.lossless.DeliveryChecker.Report;
import dev.switchboard.server.lossless.LosslessRun;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The long version of the lossless-delivery test ({@code LosslessDeliveryTest} in the server's
 * tests, same harness): devices exchange numbered messages through chaos proxies while connections
 * are cut, devices go offline, apps restart and the server is killed with SIGKILL and restarted,
 * for a given number of minutes.
 *
 * <p>The run is a series of rounds: chaos for {@code --round-minutes} (with {@code
 * --kills-per-round} server kills), then everything settles and every message sent since the start
 * is checked. Each round prints the counts; the last prints the full report. The exit status is 0
 * when nothing was lost, duplicated or out of order, no acknowledged message bounced and every one
 * is in its recipient's archive ({@code Report.ok()}), 1 otherwise.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp 'bench/target/switchboard-bench.jar:bench/target/lib/*' \
 *   dev.switchboard.bench.LosslessSoak --minutes 30 [--seed N] [--round-minutes 3]
 *   [--kills-per-round 1] [--users 6] [--two-device-users 2] [--send-interval-ms 400]
 *   [--work target/lossless-soak] [--verbose] [--no-carbons] [--nodes 3 --leaves-per-round 1]
 * </pre>
 *
 * <p>With {@code --nodes N} (N > 1) the server is a cluster of N nodes on a private schema of the
 * local PostgreSQL; a kill is one node's, and {@code --leaves-per-round} nodes leave gracefully
 * (SIGTERM) and come back in each round.
 */
public final class LosslessSoak {
  private LosslessSoak() {}

  public static void main(String[] args) throws Exception {
    double minutes = -1;
    long seed = System.currentTimeMillis();
    double roundMinutes = 3;
    int killsPerRound = 1;
    int users = 6;
    int twoDeviceUsers = 2;
    long sendIntervalMs = 400;
    Path work = null;
    boolean verbose = false;
    boolean carbons = true;
    int nodes = 1;
    int leavesPerRound = 0;

    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--minutes" -> minutes = Double.parseDouble(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--round-minutes" -> roundMinutes = Double.parseDouble(args[++i]);
        case "--kills-per-round" -> killsPerRound = Integer.parseInt(args[++i]);
        case "--users" -> users = Integer.parseInt(args[++i]);
        case "--two-device-users" -> twoDeviceUsers = Integer.parseInt(args[++i]);
        case "--send-interval-ms" -> sendIntervalMs = Long.parseLong(args[++i]);
        case "--work" -> work = Path.of(args[++i]);
        case "--verbose" -> verbose = true;
        case "--no-carbons" -> carbons = false;
        case "--nodes" -> nodes = Integer.parseInt(args[++i]);
        case "--leaves-per-round" -> leavesPerRound = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("unknown argument " + a);
          System.exit(2);
        }
      }
    }
    if (minutes <= 0) {
      System.err.println(
          "usage: LosslessSoak --minutes N [--seed N] [--round-minutes M] [--kills-per-round K]"
              + " [--users U] [--two-device-users T] [--send-interval-ms MS] [--work DIR]"
              + " [--verbose] [--no-carbons] [--nodes N [--leaves-per-round L]]");
      System.exit(2);
    }
    if (work == null) {
      work = Path.of("target", "lossless-soak", "seed-" + seed);
    }
    LosslessRun.Options options =
        LosslessRun.Options.defaults(seed, work, System.out)
            .withUsers(users, twoDeviceUsers)
            .withSendInterval(Duration.ofMillis(sendIntervalMs))
            .withProgress(Duration.ofSeconds(30), verbose)
            .withCarbons(carbons)
            .withNodes(nodes);
    long t0 = System.nanoTime();
    long end = t0 + (long) (minutes * 60e9);
    Report report = null;
    try (LosslessRun run = LosslessRun.start(options)) {
      int round = 0;
      while (System.nanoTime() < end) {
        round++;
        long left = end - System.nanoTime();
        Duration chaos = Duration.ofNanos(Math.min(left, (long) (roundMinutes * 60e9)));
        if (chaos.toSeconds() < 10) {
          break;
        }
        run.chaos(chaos, killsPerRound, nodes > 1 ? leavesPerRound : 0);
        run.settle(Duration.ofMinutes(3));
        report = run.check();
        double elapsed = (System.nanoTime() - t0) / 60e9;
        System.out.printf(
            "round %d done after %.1f min (%d server kills, %d graceful leaves so far): %s%n",
            round, elapsed, run.serverKills(), run.leaves(), report.summary());
        System.out.flush();
      }
      if (report != null) {
        double elapsed = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
            "%nlossless soak, seed %d, %.1f min, %d server kills, %.1f acknowledged messages/s"
                + " overall:%n%s%s%n",
            seed,
            elapsed / 60,
            run.serverKills(),
            report.acknowledged() / elapsed,
            report.format(),
            run.stats());
      }
    }
    System.exit(report != null && report.ok() ? 0 : 1);
  }
}
