package dev.switchboard.bench.load;

import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code login-storm}: N clients log in as fast as the server lets them, with at most --concurrency
 * logins in progress, then all log out; logins per second, failures and the login latency
 * distribution.
 */
@Command(
    name = "login-storm",
    description = "N clients log in as fast as possible (bounded concurrency), then log out")
final class LoginStormScenario extends ScenarioCommand {
  @Option(
      names = "--logout-timeout",
      defaultValue = "60s",
      converter = Durations.class,
      description = "How long to wait for every logout")
  Duration logoutTimeout;

  @Override
  String name() {
    return "login-storm";
  }

  @Override
  double defaultRate() {
    return 0;
  }

  @Override
  int defaultConcurrency() {
    return 200;
  }

  @Override
  void run(Fleet fleet, Report report) {
    CpuMeter cpu = new CpuMeter(opts.serverPid);
    Fleet.LoginPhase p = loginAll(fleet);
    loginResults(report, "login", p);
    report.results(cpu.since("login"));
    long online = fleet.onlineNow();
    double secs = fleet.logoutAll(logoutTimeout);
    report.result("logged_out", fleet.loggedOut());
    report.result("logout_seconds", secs);
    report.result("logouts_per_s", secs > 0 ? fleet.loggedOut() / secs : null);
    report.result("not_logged_out", online - fleet.loggedOut());
  }
}
