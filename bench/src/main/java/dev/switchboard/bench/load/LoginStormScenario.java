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

  @Option(
      names = "--warmup-users",
      defaultValue = "0",
      description =
          "Log this many of the accounts in and out once before the measured storm, so that a"
              + " JIT-compiled server is measured warm")
  int warmupUsers;

  @Option(
      names = "--warmup-rounds",
      defaultValue = "1",
      description =
          "How many times the warm-up logs its accounts in and out. A JVM server's login path"
              + " runs once per login, so it reaches full compilation only after some 20,000"
              + " logins")
  int warmupRounds;

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
    if (warmupUsers > 0) {
      report.param("warmup_users", warmupUsers);
      report.param("warmup_rounds", warmupRounds);
      long online = 0;
      for (int round = 0; round < warmupRounds; round++) {
        Fleet.LoginPhase w =
            fleet.login(
                Math.min(warmupUsers, opts.users),
                rate(),
                concurrency(),
                opts.phaseTimeout(warmupUsers, rate()));
        fleet.logoutAll(logoutTimeout);
        online = w.online();
      }
      report.result("warmup_online", online);
    }
    CpuMeter cpu = new CpuMeter(opts.serverPids);
    Fleet.LoginPhase p = loginAll(fleet);
    loginResults(report, "login", p, cpu);
    long online = fleet.onlineNow();
    long out0 = fleet.loggedOut();
    double secs = fleet.logoutAll(logoutTimeout);
    long out = fleet.loggedOut() - out0;
    report.result("logged_out", out);
    report.result("logout_seconds", secs);
    report.result("logouts_per_s", secs > 0 ? out / secs : null);
    report.result("not_logged_out", online - out);
  }
}
