package dev.switchboard.bench.load;

import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code idle}: N clients log in at rate R and stay online for a while; reports the login rate,
 * failures, the server's resident memory before and after, and so its memory per connection.
 */
@Command(
    name = "idle",
    description = "N clients log in at --rate and stay; server memory per connection")
final class IdleScenario extends ScenarioCommand {
  @Option(
      names = "--duration",
      defaultValue = "30s",
      converter = Durations.class,
      description = "How long to hold the connections after the last login")
  Duration duration;

  @Override
  String name() {
    return "idle";
  }

  @Override
  void run(Fleet fleet, Report report) throws InterruptedException {
    List<Long> pid = opts.serverPids;
    report.param("hold", Durations.format(duration));
    long before = ProcStats.rssKib(pid);
    CpuMeter loginCpu = new CpuMeter(pid);
    Fleet.LoginPhase p = loginAll(fleet);
    loginResults(report, "login", p, loginCpu);

    long max = ProcStats.rssKib(pid);
    long end = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < end) {
      Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      max = Math.max(max, ProcStats.rssKib(pid));
    }
    long after = ProcStats.rssKib(pid);
    int online = fleet.onlineNow();
    report.result("online_at_end", online);
    report.result("closed_by_server", fleet.closedByServer());
    if (!pid.isEmpty()) {
      report.result("server_rss_before_kib", before);
      report.result("server_rss_after_kib", after);
      report.result("server_rss_max_kib", max);
      report.result(
          "server_kib_per_connection", online > 0 ? (after - before) / (double) online : null);
    }
  }
}
