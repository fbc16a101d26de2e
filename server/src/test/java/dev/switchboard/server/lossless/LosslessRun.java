package dev.switchboard.server.lossless;

import dev.switchboard.server.lossless.DeliveryChecker.Archive;
import dev.switchboard.server.lossless.DeliveryChecker.DeviceState;
import dev.switchboard.server.lossless.DeliveryChecker.Report;
import dev.switchboard.server.lossless.Device.Target;
import dev.switchboard.server.store.TestDatabases;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
   * @param nodes 1: one server on SQLite; more: a cluster of that many nodes on PostgreSQL (a
   *     private schema of the local server), each device reaching its own node through its proxy
   *     and another one while that node is down or leaving
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
      boolean verbose,
      int nodes) {
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
          true,
          1);
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
          verbose,
          nodes);
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
          verbose,
          nodes);
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
          verbose,
          nodes);
    }

    /** A cluster of {@code nodes} nodes (more than one) instead of one server. */
    public Options withNodes(int nodes) {
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
          verbose,
          nodes);
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
          verbose,
          nodes);
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
  private final List<ServerProcess> servers = new ArrayList<>();
  private final List<Integer> httpPorts = new ArrayList<>();

  /** Nodes being killed, leaving or restarting: proxies send new connections elsewhere. */
  private final Set<Integer> unavailable = ConcurrentHashMap.newKeySet();

  private TestDatabases.PostgresSchema schema;
  private volatile boolean sending;
  private volatile boolean stopped;
  private long serverKills;
  private long leaves;
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
    Map<String, String> base = Map.of("c2s.max-resume-time", o.maxResumeTime().toMillis() + "ms");
    if (o.nodes() <= 1) {
      servers.add(new ServerProcess(o.workDir(), base));
    } else {
      createClusterNodes(base);
    }
    Map<String, String> accounts = new LinkedHashMap<>();
    for (int i = 0; i < o.users(); i++) {
      accounts.put("u" + i, "pw-u" + i);
    }
    ServerProcess first = servers.getFirst();
    first.createAccounts(accounts);
    first.start();
    for (ServerProcess node : servers.subList(1, servers.size())) {
      // one certificate for the domain on every node, as a real deployment has
      copyTree(first.dataDir().resolve("tls"), node.dataDir().resolve("tls"));
      node.start();
    }
    if (isCluster() && !await(Duration.ofSeconds(90), () -> upMembers(0) == servers.size())) {
      throw new IllegalStateException("the cluster did not form; logs in " + o.workDir());
    }
    for (ServerProcess node : servers) {
      log.say("server started on port " + node.port() + ", log in " + node.logFile());
    }
    int index = 0;
    for (int i = 0; i < o.users(); i++) {
      String user = "u" + i;
      List<String> resources =
          i < o.twoDeviceUsers() ? List.of("phone", "laptop") : List.of("phone");
      for (String res : resources) {
        int home = index % servers.size();
        ChaosProxy proxy = new ChaosProxy(user + "-" + res, () -> upstreamPort(home));
        Device d =
            new Device(
                user,
                res,
                accounts.get(user),
                proxy,
                first::trustManager,
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
    chaos(duration, serverKills, 0);
  }

  /**
   * As {@link #chaos(Duration, int)}; in a cluster a kill is one node's, the others keep serving
   * while it is down, and {@code nodeLeaves} times a node leaves gracefully (SIGTERM: it sends its
   * clients elsewhere) and is started again. Kills come first, then leaves, spread over the time.
   */
  public void chaos(Duration duration, int serverKills, int nodeLeaves)
      throws InterruptedException {
    if (nodeLeaves > 0 && !isCluster()) {
      throw new IllegalArgumentException("graceful leaves need a cluster");
    }
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    List<Long> kills = new ArrayList<>();
    List<Boolean> isKill = new ArrayList<>();
    int events = serverKills + nodeLeaves;
    for (int i = 1; i <= events; i++) {
      long slot = duration.toNanos() / (events + 1);
      long jitter = (long) ((chaosRandom.nextDouble() - 0.5) * slot * 0.5);
      kills.add(start + slot * i + jitter);
      isKill.add(i <= serverKills);
    }
    log.say(
        "chaos for "
            + duration.toSeconds()
            + " s with "
            + serverKills
            + " server kill(s)"
            + (isCluster() ? " and " + nodeLeaves + " graceful leave(s), " + servers.size() : "")
            + (isCluster() ? " nodes" : ""));
    sending = true;
    long nextProgress = start + o.progressEvery().toNanos();
    while (System.nanoTime() < end) {
      Thread.sleep(200 + chaosRandom.nextInt(1300));
      if (!kills.isEmpty() && System.nanoTime() >= kills.getFirst()) {
        kills.removeFirst();
        long down = isKill.removeFirst() ? killServer() : leaveNode();
        // the time the server was down does not count: there is traffic after every restart
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
    for (Boolean kill : isKill) {
      // a kill or leave that fell after the end still happens
      if (kill) {
        killServer();
      } else {
        leaveNode();
      }
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

  /**
   * Kills the server (or one node) with SIGKILL and starts it again; returns the nanoseconds to not
   * count.
   */
  private long killServer() throws InterruptedException {
    if (isCluster()) {
      killNode();
      return 0; // the other nodes served all along
    }
    long t0 = System.nanoTime();
    ServerProcess server = servers.getFirst();
    log.say("chaos: SIGKILL the server (" + progress() + ")");
    server.kill();
    serverKills++;
    for (Device d : devices) {
      d.proxy().cutAll(true);
    }
    Thread.sleep(200 + chaosRandom.nextInt(2300));
    server.restart();
    log.say("server restarted on the same data directory and port");
    return System.nanoTime() - t0;
  }

  private void killNode() throws InterruptedException {
    int k = chaosRandom.nextInt(servers.size());
    unavailable.add(k);
    log.say("chaos: SIGKILL node n" + (k + 1) + " (" + progress() + ")");
    long t0 = System.nanoTime();
    servers.get(k).kill();
    serverKills++;
    // its clients' connections died with it; they reconnect to the other nodes meanwhile
    int witness = (k + 1) % servers.size();
    if (!await(Duration.ofSeconds(90), () -> upMembers(witness) == servers.size() - 1)) {
      log.say("the cluster did not remove node n" + (k + 1) + " within 90 s");
    } else {
      log.say(
          "node n"
              + (k + 1)
              + " removed from the cluster "
              + (System.nanoTime() - t0) / 1_000_000
              + " ms after the kill");
    }
    rejoin(k);
  }

  /** One node leaves gracefully (SIGTERM) and comes back; returns the nanoseconds to not count. */
  private long leaveNode() throws InterruptedException {
    int k = chaosRandom.nextInt(servers.size());
    unavailable.add(k);
    log.say("chaos: node n" + (k + 1) + " leaves gracefully, SIGTERM (" + progress() + ")");
    int status = servers.get(k).terminate(Duration.ofSeconds(90));
    leaves++;
    log.say("node n" + (k + 1) + " exited with status " + status);
    int witness = (k + 1) % servers.size();
    await(Duration.ofSeconds(60), () -> upMembers(witness) == servers.size() - 1);
    rejoin(k);
    return 0;
  }

  private void rejoin(int k) throws InterruptedException {
    servers.get(k).restart();
    int witness = (k + 1) % servers.size();
    if (!await(Duration.ofSeconds(90), () -> upMembers(witness) == servers.size())) {
      log.say("node n" + (k + 1) + " did not rejoin within 90 s");
    } else {
      log.say("node n" + (k + 1) + " restarted and back in the cluster");
    }
    unavailable.remove(k);
  }

  private boolean isCluster() {
    return servers.size() > 1;
  }

  /** The node a device whose own node is {@code home} reaches now. */
  private int upstreamPort(int home) {
    for (int i = 0; i < servers.size(); i++) {
      int k = (home + i) % servers.size();
      if (!unavailable.contains(k)) {
        return servers.get(k).port();
      }
    }
    return servers.get(home).port();
  }

  private void createClusterNodes(Map<String, String> base) throws Exception {
    schema = new TestDatabases.PostgresSchema();
    List<Integer> clusterPorts = new ArrayList<>();
    for (int i = 0; i < o.nodes(); i++) {
      clusterPorts.add(ServerProcess.freePort());
      httpPorts.add(ServerProcess.freePort());
    }
    for (int i = 0; i < o.nodes(); i++) {
      Map<String, String> s = new LinkedHashMap<>(base);
      s.put("database.url", "\"" + schema.jdbcUrl() + "\"");
      s.put("database.user", "\"" + TestDatabases.PG_USER + "\"");
      s.put("cluster.node-name", "\"n" + (i + 1) + "\"");
      s.put("cluster.port", clusterPorts.get(i).toString());
      // the first two nodes are seeds, so that any one of them can come back while the other runs
      s.put(
          "cluster.seeds",
          "[\"127.0.0.1:" + clusterPorts.get(0) + "\", \"127.0.0.1:" + clusterPorts.get(1) + "\"]");
      s.put("cluster.stable-after", "3s");
      s.put("http.port", httpPorts.get(i).toString());
      servers.add(new ServerProcess(o.workDir().resolve("n" + (i + 1)), s));
    }
  }

  /** Members with status Up as node {@code node} sees them, or -1 if it does not answer. */
  private int upMembers(int node) {
    return ServerProcess.upMembers(httpPorts.get(node));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
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

  /**
   * Messages sent on a device's current stream that are not acknowledged yet; what an earlier
   * stream left unacknowledged is never acknowledged on it (the client may resend it on the new).
   */
  private long unacknowledgedOnCurrentInstances() {
    long n = 0;
    Map<String, Integer> current = new LinkedHashMap<>();
    for (Device d : devices) {
      current.put(d.name(), d.stream());
    }
    for (Ledger.Sent s : ledger.all()) {
      Ledger.Fate f = ledger.fate(s);
      if (f.handedOver() && !f.acked() && current.get(s.sender()) == s.stream()) {
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
        "sent %d, acknowledged %d, receptions %d, server kills %d, graceful leaves %d, %s",
        sent, acked, totalReceived(), serverKills, leaves, stats());
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

  /** Graceful leaves of a node so far (clusters only). */
  public long leaves() {
    return leaves;
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
    for (ServerProcess server : servers) {
      server.close();
    }
    if (schema != null) {
      try {
        schema.close();
      } catch (java.sql.SQLException e) {
        log.say("dropping the test schema failed: " + e);
      }
    }
    log.close();
  }

  /** Deletes the data directory (after a successful run). */
  public void deleteData() throws IOException {
    for (ServerProcess server : servers) {
      try (var files = java.nio.file.Files.walk(server.dataDir())) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
