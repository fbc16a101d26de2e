package dev.switchboard.server.lossless;

import dev.switchboard.server.lossless.DeliveryChecker.Archive;
import dev.switchboard.server.lossless.DeliveryChecker.DeviceState;
import dev.switchboard.server.lossless.DeliveryChecker.Report;
import dev.switchboard.server.lossless.Device.Target;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;

/**
 * The lossless-delivery harness: a server in a child process ({@link ServerProcess}), several
 * accounts with one or two devices each ({@link Device}), each device behind its own {@link
 * ChaosProxy}; the devices exchange numbered messages while the chaos cuts connections, takes
 * devices offline, restarts apps and SIGKILLs the server; then everything settles and {@link
 * DeliveryChecker} compares what arrived with what the server acknowledged.
 *
 * <p>Use: {@link #start}, then any number of {@link #chaos} and {@link #settle} rounds, each
 * followed by {@link #check} if wanted (checks are cumulative over the whole run), then {@link
 * #close}. Everything a run does is in {@code events.log} in its working directory, and the
 * server's output in {@code server.log}. The random choices (traffic and chaos) follow the seed;
 * thread timing does not, so a seed reproduces the same kind of run, not the same interleaving.
 */
public final class LosslessRun implements AutoCloseable {
  /**
   * How a run is set up.
   *
   * @param seed seeds the traffic and the chaos
   * @param users accounts, {@code u0}, {@code u1}, ...
   * @param twoDeviceUsers how many of them (the first ones) have a second device ("laptop" beside
   *     "phone")
   * @param sendInterval each device sends a message every 0.5 to 1.5 times this while online
   * @param maxResumeTime the server's {@code c2s.max-resume-time}; devices go offline for up to
   *     three times as long, so some come back too late to resume
   * @param workDir data directory, {@code server.log} and {@code events.log}
   * @param console where the seed, chaos rounds, progress and reports are printed
   * @param progressEvery how often a line of running counts is printed during the chaos
   * @param carbons devices turn on XEP-0280 carbons, and every device of an account must get every
   *     message to it; without, a message to a full JID must reach only that device
   * @param verbose also log every message sent, acknowledged and received to {@code events.log}
   */
  public record Options(
      long seed,
      int users,
      int twoDeviceUsers,
      Duration sendInterval,
      Duration maxResumeTime,
      Path workDir,
      PrintStream console,
      Duration progressEvery,
      boolean carbons,
      boolean verbose) {
    /**
     * 6 accounts, 2 of them with two devices (8 devices), a message per device every ~400 ms,
     * max-resume-time 4 s, progress every 10 s, carbons, verbose.
     */
    public static Options defaults(long seed, Path workDir, PrintStream console) {
      return new Options(
          seed,
          6,
          2,
          Duration.ofMillis(400),
          Duration.ofSeconds(4),
          workDir,
          console,
          Duration.ofSeconds(10),
          true,
          true);
    }

    public Options withUsers(int users, int twoDeviceUsers) {
      return new Options(
          seed,
          users,
          twoDeviceUsers,
          sendInterval,
          maxResumeTime,
          workDir,
          console,
          progressEvery,
          carbons,
          verbose);
    }

    public Options withSendInterval(Duration sendInterval) {
      return new Options(
          seed,
          users,
          twoDeviceUsers,
          sendInterval,
          maxResumeTime,
          workDir,
          console,
          progressEvery,
          carbons,
          verbose);
    }

    public Options withCarbons(boolean carbons) {
      return new Options(
          seed,
          users,
          twoDeviceUsers,
          sendInterval,
          maxResumeTime,
          workDir,
          console,
          progressEvery,
          carbons,
          verbose);
    }

    public Options withProgress(Duration progressEvery, boolean verbose) {
      return new Options(
          seed,
          users,
          twoDeviceUsers,
          sendInterval,
          maxResumeTime,
          workDir,
          console,
          progressEvery,
          carbons,
          verbose);
    }
  }

  private final Options o;
  private final EventLog log;
  private final Ledger ledger = new Ledger();
  private final Random chaosRandom;
  private final List<Device> devices = new ArrayList<>();
  private final Map<String, List<Device>> byUser = new LinkedHashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("lossless-timer").unstarted(r));
  private ServerProcess server;
  private volatile boolean sending;
  private volatile boolean stopped;
  private long serverKills;
  private long cuts;
  private long blackholes;
  private long offlines;
  private long appRestarts;
  private long cutAlls;

  private LosslessRun(Options o) {
    this.o = o;
    this.log = new EventLog(o.workDir().resolve("events.log"), o.console());
    this.chaosRandom = new Random(o.seed());
  }

  /** Starts the server and the devices and waits until every device is online and in sync. */
  public static LosslessRun start(Options o) throws Exception {
    LosslessRun r = new LosslessRun(o);
    try {
      r.boot();
      return r;
    } catch (Exception | Error e) {
      r.close();
      throw e;
    }
  }

  private void boot() throws Exception {
    log.say(
        "seed "
            + o.seed()
            + " (set -Dlossless.seed="
            + o.seed()
            + " or --seed "
            + o.seed()
            + " to repeat), work dir "
            + o.workDir().toAbsolutePath());
    server =
        new ServerProcess(
            o.workDir(), Map.of("c2s.max-resume-time", o.maxResumeTime().toMillis() + "ms"));
    Map<String, String> accounts = new LinkedHashMap<>();
    for (int i = 0; i < o.users(); i++) {
      accounts.put("u" + i, "pw-u" + i);
    }
    server.createAccounts(accounts);
    server.start();
    log.say("server started on port " + server.port() + ", log in " + server.logFile());
    int index = 0;
    for (int i = 0; i < o.users(); i++) {
      String user = "u" + i;
      List<String> resources =
          i < o.twoDeviceUsers() ? List.of("phone", "laptop") : List.of("phone");
      for (String res : resources) {
        ChaosProxy proxy = new ChaosProxy(user + "-" + res, server.port());
        Device d =
            new Device(
                user,
                res,
                accounts.get(user),
                proxy,
                server::trustManager,
                ledger,
                log,
                o.carbons(),
                o.verbose());
        devices.add(d);
        byUser.computeIfAbsent(user, u -> new ArrayList<>()).add(d);
        Random r = new Random(o.seed() * 1_000_003L + index++);
        Thread t =
            Thread.ofPlatform().name("device-" + d.name()).daemon().unstarted(() -> loop(d, r));
        threads.add(t);
      }
    }
    threads.forEach(Thread::start);
    if (!await(Duration.ofSeconds(60), () -> devices.stream().allMatch(Device::inSync))) {
      throw new IllegalStateException("devices did not all log in: " + stats());
    }
    log.say(devices.size() + " devices online: " + devices);
  }

  private void loop(Device d, Random r) {
    long nextSend = 0;
    while (!stopped) {
      try {
        Target t = null;
        long now = System.nanoTime();
        if (sending && now >= nextSend) {
          t = pickTarget(d, r);
          long mean = o.sendInterval().toNanos();
          nextSend = now + mean / 2 + (long) (r.nextDouble() * mean);
        }
        if (d.step(t)) {
          Thread.sleep(5);
        } else {
          Thread.sleep(100 + r.nextInt(600)); // back off while offline
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.say(d.name() + " device loop: " + e);
      }
    }
  }

  /** Half the messages go to an account's bare JID, half to one of its devices. */
  private Target pickTarget(Device from, Random r) {
    List<String> others = new ArrayList<>(byUser.keySet());
    others.remove(from.user());
    String user = others.get(r.nextInt(others.size()));
    if (r.nextBoolean()) {
      return new Target(user, null);
    }
    List<Device> ds = byUser.get(user);
    return new Target(user, ds.get(r.nextInt(ds.size())).resource());
  }

  /**
   * Traffic and chaos for {@code duration}: every 0.2 to 1.5 s one of: cut a device's connection
   * (RST or FIN), blackhole it for a while then cut it, take a device offline for up to three
   * max-resume-times, restart a device's app (new connection instance, fresh login), cut every
   * connection at once, or nothing; and {@code serverKills} times, spread over the duration, kill
   * the server with SIGKILL and start it again on the same data directory and port.
   */
  public void chaos(Duration duration, int serverKills) throws InterruptedException {
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    List<Long> kills = new ArrayList<>();
    for (int i = 1; i <= serverKills; i++) {
      long slot = duration.toNanos() / (serverKills + 1);
      long jitter = (long) ((chaosRandom.nextDouble() - 0.5) * slot * 0.5);
      kills.add(start + slot * i + jitter);
    }
    log.say("chaos for " + duration.toSeconds() + " s with " + serverKills + " server kill(s)");
    sending = true;
    long nextProgress = start + o.progressEvery().toNanos();
    while (System.nanoTime() < end) {
      Thread.sleep(200 + chaosRandom.nextInt(1300));
      if (!kills.isEmpty() && System.nanoTime() >= kills.getFirst()) {
        kills.removeFirst();
        long down = System.nanoTime();
        killServer();
        // the time the server was down does not count: there is traffic after every restart
        down = System.nanoTime() - down;
        end += down;
        nextProgress += down;
        continue;
      }
      chaosStep();
      if (System.nanoTime() >= nextProgress) {
        log.say(progress());
        nextProgress += o.progressEvery().toNanos();
      }
    }
    for (Long ignored : kills) {
      killServer(); // a kill that fell after the end still happens
    }
    sending = false;
    log.say("chaos over: " + progress());
  }

  private void chaosStep() {
    Device d = devices.get(chaosRandom.nextInt(devices.size()));
    ChaosProxy p = d.proxy();
    double x = chaosRandom.nextDouble();
    if (x < 0.30) {
      boolean reset = chaosRandom.nextBoolean();
      int n = p.cutAll(reset);
      cuts++;
      log.log("chaos: cut " + d + (reset ? " (RST)" : " (FIN)") + ", " + n + " connection(s)");
    } else if (x < 0.42) {
      long ms = 200 + chaosRandom.nextInt(1800);
      p.blackholeAll();
      blackholes++;
      log.log("chaos: blackhole " + d + " for " + ms + " ms, then RST");
      timer.schedule(() -> p.cutAll(true), ms, TimeUnit.MILLISECONDS);
    } else if (x < 0.57) {
      if (p.isDown()) {
        return;
      }
      long ms = 500 + (long) (chaosRandom.nextDouble() * 3 * o.maxResumeTime().toMillis());
      p.setDown(true);
      p.cutAll(true);
      offlines++;
      log.log("chaos: " + d + " offline for " + ms + " ms");
      timer.schedule(
          () -> {
            p.setDown(false);
            log.log("chaos: " + d + " back online");
          },
          ms,
          TimeUnit.MILLISECONDS);
    } else if (x < 0.69) {
      d.requestAppRestart();
      appRestarts++;
      log.log("chaos: app restart of " + d);
    } else if (x < 0.74) {
      for (Device each : devices) {
        each.proxy().cutAll(true);
      }
      cutAlls++;
      log.log("chaos: cut every connection (RST)");
    }
  }

  private void killServer() throws InterruptedException {
    log.say("chaos: SIGKILL the server (" + progress() + ")");
    server.kill();
    serverKills++;
    for (Device d : devices) {
      d.proxy().cutAll(true);
    }
    Thread.sleep(200 + chaosRandom.nextInt(2300));
    server.restart();
    log.say("server restarted on the same data directory and port");
  }

  /**
   * Ends the traffic and the chaos and waits (at most {@code timeout}) until every device is back
   * online and in sync, its messages acknowledged, the traffic quiet, and a final catch-up done.
   */
  public void settle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    sending = false;
    Thread.sleep(300);
    for (Device d : devices) {
      d.proxy().setDown(false);
      d.proxy().cutAll(true); // ends blackholed connections; devices resume
    }
    log.say("settling: waiting for every device to come back");
    if (!awaitUntil(deadline, () -> devices.stream().allMatch(Device::inSync))) {
      log.say("not every device came back: " + stats());
    }
    awaitUntil(
        deadline,
        () -> {
          devices.forEach(Device::requestAck);
          return unacknowledgedOnCurrentInstances() == 0;
        });
    quiet(deadline, Duration.ofSeconds(2));
    for (Device d : devices) {
      d.requestFinalCatchUp();
    }
    awaitUntil(deadline, () -> devices.stream().allMatch(Device::finalCatchUpDone));
    quiet(deadline, Duration.ofSeconds(1));
    log.say("settled: " + progress());
  }

  /** Messages sent on a device's current connection instance that are not acknowledged yet. */
  private long unacknowledgedOnCurrentInstances() {
    long n = 0;
    Map<String, Integer> current = new LinkedHashMap<>();
    for (Device d : devices) {
      current.put(d.name(), d.instance());
    }
    for (Ledger.Sent s : ledger.all()) {
      Ledger.Fate f = ledger.fate(s);
      if (f.handedOver() && !f.acked() && current.get(s.sender()) == s.instance()) {
        n++;
      }
    }
    return n;
  }

  /** Waits until no device received anything for {@code quiet}. */
  private void quiet(long deadline, Duration quiet) throws InterruptedException {
    long last = totalReceived();
    long since = System.nanoTime();
    while (System.nanoTime() < deadline) {
      Thread.sleep(100);
      long now = totalReceived();
      if (now != last) {
        last = now;
        since = System.nanoTime();
      } else if (System.nanoTime() - since >= quiet.toNanos()) {
        return;
      }
    }
  }

  private long totalReceived() {
    return devices.stream().mapToLong(Device::receivedCount).sum();
  }

  /**
   * Reads every account's archive (for the loss diagnosis) and checks every message sent so far
   * against what the devices received; call after {@link #settle}.
   */
  public Report check() {
    Map<String, Archive> archives = new LinkedHashMap<>();
    for (Map.Entry<String, List<Device>> e : byUser.entrySet()) {
      Archive a = readArchive(e.getKey(), e.getValue());
      if (a != null) {
        archives.put(e.getKey(), a);
      }
    }
    List<DeviceState> states = new ArrayList<>();
    for (Device d : devices) {
      states.add(
          new DeviceState(
              d.name(), d.user(), d.inSync() && d.finalCatchUpDone(), d.syncPoint(), d.received()));
    }
    Report r = DeliveryChecker.check(ledger, states, archives, o.carbons());
    log.say("report:\n" + r.format() + stats());
    for (String line : r.details()) {
      log.log("detail: " + line);
    }
    return r;
  }

  /** The whole archive of an account, read through one of its devices; null if unavailable. */
  private Archive readArchive(String user, List<Device> ds) {
    String bare = user + "@" + ServerProcess.DOMAIN;
    for (Device d : ds) {
      XMPPTCPConnection c = d.connection();
      if (c == null || !c.isAuthenticated() || d.mamUnavailable()) {
        continue;
      }
      Map<String, List<String>> ids = new LinkedHashMap<>();
      try {
        String after = null;
        while (true) {
          MamClient.Page page = MamClient.query(c, null, after, 250);
          for (MamClient.Item item : page.items()) {
            Message m = item.message();
            String body = m.getBody();
            if (m.getTo() != null
                && m.getTo().asBareJid().toString().equals(bare)
                && body != null
                && body.startsWith(Device.PREFIX)) {
              int colon = body.lastIndexOf(':');
              String key =
                  Archive.key(
                      body.substring(Device.PREFIX.length(), colon),
                      Long.parseLong(body.substring(colon + 1)));
              ids.computeIfAbsent(key, k -> new ArrayList<>()).add(item.id());
            }
          }
          if (page.complete() || page.items().isEmpty()) {
            break;
          }
          after = page.last();
        }
        return new Archive(user, ids);
      } catch (XMPPErrorException e) {
        log.say("archive of " + user + " not readable: " + e.getStanzaError().getCondition());
        return null;
      } catch (Exception e) {
        log.say("archive of " + user + " not readable through " + d + ": " + e);
      }
    }
    return null;
  }

  /** A line of running counts. */
  public String progress() {
    long sent = 0;
    long acked = 0;
    for (Ledger.Sent s : ledger.all()) {
      Ledger.Fate f = ledger.fate(s);
      if (f.handedOver()) {
        sent++;
        if (f.acked()) {
          acked++;
        }
      }
    }
    return String.format(
        "sent %d, acknowledged %d, receptions %d, server kills %d, %s",
        sent, acked, totalReceived(), serverKills, stats());
  }

  /** Connection statistics: what the chaos did and how the devices recovered. */
  public String stats() {
    long connects = 0;
    long resumed = 0;
    long fresh = 0;
    long failed = 0;
    long catchUps = 0;
    long catchUpResults = 0;
    long unknown = 0;
    long errors = 0;
    for (Device d : devices) {
      connects += d.connects.get();
      resumed += d.resumed.get();
      fresh += d.fresh.get();
      failed += d.failedAttempts.get();
      catchUps += d.catchUps.get();
      catchUpResults += d.catchUpResults.get();
      unknown += d.syncPointUnknown.get();
      errors += d.errorsReceived.get();
    }
    return String.format(
        "chaos: %d cuts, %d blackholes, %d offline periods, %d app restarts, %d cut-alls;"
            + " devices: %d connection attempts (%d resumed, %d fresh logins, %d failed),"
            + " %d catch-ups (%d archive results), %d unknown sync points, %d errors received",
        cuts,
        blackholes,
        offlines,
        appRestarts,
        cutAlls,
        connects,
        resumed,
        fresh,
        failed,
        catchUps,
        catchUpResults,
        unknown,
        errors);
  }

  public long serverKills() {
    return serverKills;
  }

  public Path workDir() {
    return o.workDir();
  }

  private static boolean await(Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    return awaitUntil(System.nanoTime() + timeout.toNanos(), condition);
  }

  private static boolean awaitUntil(long deadline, BooleanSupplier condition)
      throws InterruptedException {
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(100);
    }
    return true;
  }

  /** Stops the devices, the proxies and the server (SIGKILL). */
  @Override
  public void close() {
    stopped = true;
    sending = false;
    for (Thread t : threads) {
      t.interrupt();
    }
    for (Thread t : threads) {
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (Device d : devices) {
      d.shutdown();
      d.proxy().close();
    }
    timer.shutdownNow();
    if (server != null) {
      server.close();
    }
    log.close();
  }

  /** Deletes the data directory (after a successful run). */
  public void deleteData() throws IOException {
    if (server != null) {
      try (var files = java.nio.file.Files.walk(server.dataDir())) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
