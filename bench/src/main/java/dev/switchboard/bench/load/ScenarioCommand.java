package dev.switchboard.bench.load;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A load scenario: builds the fleet from the shared options, runs, then prints the report as a
 * table (and writes it as JSON when asked). Exit code 0 when at least one client logged in.
 */
abstract class ScenarioCommand implements Callable<Integer> {
  @Mixin LoadOptions opts;
  @Spec CommandSpec spec;

  abstract String name();

  /** Logins per second when --rate is not given; 0 means unpaced. */
  double defaultRate() {
    return 500;
  }

  int defaultConcurrency() {
    return 1000;
  }

  double rate() {
    return opts.rate != null ? opts.rate : defaultRate();
  }

  int concurrency() {
    return opts.concurrency != null ? opts.concurrency : defaultConcurrency();
  }

  /** Logs in all {@code opts.users} clients with the run's rate and concurrency. */
  Fleet.LoginPhase loginAll(Fleet fleet) {
    return fleet.login(opts.users, rate(), concurrency(), opts.phaseTimeout(opts.users, rate()));
  }

  /** Runs the scenario on a fleet of {@code opts.users} clients, filling the report. */
  abstract void run(Fleet fleet, Report report) throws Exception;

  @Override
  public final Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Report report = new Report(name(), opts.label());
    report
        .param("server", opts.host + ":" + opts.portList())
        .param("users", opts.users)
        .param("accounts", opts.userPrefix + opts.first + ".." + (opts.first + opts.users - 1))
        .param("sasl", opts.mechanism)
        .param("tls", opts.directTls ? "direct" : opts.starttls ? "starttls" : "none")
        .param("login_rate_target", rate())
        .param("login_concurrency", concurrency())
        .param("generator_threads", opts.threads())
        .param("server_pid", opts.serverPids.isEmpty() ? null : opts.serverPids);
    ExecutorService cpu =
        Executors.newFixedThreadPool(
            Runtime.getRuntime().availableProcessors(),
            r -> {
              Thread t = new Thread(r, "scram");
              t.setDaemon(true);
              return t;
            });
    CpuMeter whole = new CpuMeter(opts.serverPids);
    long rssGen0 = ProcStats.rssKib(ProcessHandle.current().pid());
    long heap0 = liveHeap();
    try (Fleet fleet = new Fleet(opts.settings(cpu), opts.users, opts.threads(), opts.sources)) {
      run(fleet, report);
      int online = fleet.onlineNow();
      if (online > 0) {
        // what one simulated client costs the generator: live heap after a full GC
        report.result("generator_heap_bytes_per_client", (liveHeap() - heap0) / online);
      }
      long rssGen = ProcStats.rssKib(ProcessHandle.current().pid());
      report.result("generator_rss_kib", rssGen);
      report.result("generator_open_files", ProcStats.selfOpenFiles());
      report.result("generator_rss_growth_kib", rssGen - rssGen0);
      Map<String, Long> reasons = fleet.failureReasons();
      report.results(whole.since("run"));
      if (!reasons.isEmpty()) {
        report.result("failure_reasons", reasons);
      }
    } finally {
      cpu.shutdownNow();
    }
    out.print(report.table());
    out.flush();
    if (opts.json != null) {
      report.writeJson(opts.json.toPath());
    }
    Object online = report.result("online");
    return online instanceof Number n && n.longValue() > 0 ? 0 : 1;
  }

  private static long liveHeap() {
    System.gc();
    return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Login results of a phase, named with {@code prefix}. */
  static void loginResults(Report report, String prefix, Fleet.LoginPhase p) {
    report.result(prefix + "_started", p.started());
    report.result("online", p.online());
    report.result(prefix + "_failed", p.failed());
    report.result(prefix + "_seconds", p.seconds());
    report.result(prefix + "_per_s", p.rate());
    report.results(Report.latency(prefix + "_latency", p.latencyMicros()));
  }

  /** Login results plus the CPU the phase cost, per login. */
  static void loginResults(Report report, String prefix, Fleet.LoginPhase p, CpuMeter cpu) {
    loginResults(report, prefix, p);
    Map<String, Object> used = cpu.since(prefix);
    report.results(used);
    if (p.online() > 0 && used.get(prefix + "_server_cpu_s") instanceof Double srv) {
      report.result("server_cpu_ms_per_login", srv * 1000 / p.online());
    }
  }
}
