package dev.switchboard.bench.load;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Namespaces;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chat}: N online clients send one-to-one messages to random online peers at an aggregate
 * rate. Each body carries the step, a sequence number and the send time, so the receiver records
 * end-to-end latency (HdrHistogram) and a bitmap tells which messages never arrived. With {@code
 * --step} the rate rises step by step until p99 passes the threshold (or messages are lost), and
 * the highest rate that stayed under it is reported.
 */
@Command(
    name = "chat",
    description = "1:1 messages between random online peers: delivered/s, latency, loss")
final class ChatScenario extends ScenarioCommand {
  @Option(
      names = "--msg-rate",
      defaultValue = "1000",
      description = "Messages per second, all senders together (the first rate with --step)")
  double msgRate;

  @Option(
      names = "--duration",
      defaultValue = "60s",
      converter = Durations.class,
      description = "How long to send (each step with --step: see --step-duration)")
  Duration duration;

  @Option(
      names = "--warmup",
      defaultValue = "0s",
      converter = Durations.class,
      description =
          "Send at --msg-rate for this long first, unmeasured (a JVM server compiles its hot"
              + " path in the first ten seconds or so)")
  Duration warmup;

  @Option(names = "--step", description = "Raise the rate until p99 passes --p99-threshold")
  boolean step;

  @Option(
      names = "--step-factor",
      defaultValue = "1.5",
      description = "Each step's rate is the previous one times this")
  double stepFactor;

  @Option(
      names = "--step-duration",
      defaultValue = "15s",
      converter = Durations.class,
      description = "Length of each step")
  Duration stepDuration;

  @Option(
      names = "--max-rate",
      defaultValue = "200000",
      description = "Highest rate tried with --step")
  double maxRate;

  @Option(
      names = "--p99-threshold",
      defaultValue = "50ms",
      converter = Durations.class,
      description = "Latency p99 a step must stay under")
  Duration threshold;

  @Option(
      names = "--grace",
      defaultValue = "5s",
      converter = Durations.class,
      description = "Wait for stragglers after sending stops; later ones count as lost")
  Duration grace;

  @Option(
      names = "--body-bytes",
      defaultValue = "0",
      description = "Padding added to each body, to send larger messages")
  int bodyBytes;

  private final List<StepRun> runs = new ArrayList<>();

  @Override
  String name() {
    return "chat";
  }

  @Override
  void run(Fleet fleet, Report report) {
    report.param("msg_rate", msgRate);
    report.param("mode", step ? "step" : "fixed");
    report.param("duration", Durations.format(step ? stepDuration : duration));
    if (step) {
      report.param("step_factor", stepFactor);
      report.param("p99_threshold_ms", threshold.toMillis());
    }
    CpuMeter loginCpu = new CpuMeter(opts.serverPids);
    Fleet.LoginPhase p = loginAll(fleet);
    loginResults(report, "login", p, loginCpu);
    if (p.online() < 2) {
      report.result("error", "fewer than two clients online");
      return;
    }
    fleet.onMessage(this::received);
    if (!warmup.isZero()) {
      report.param("warmup", Durations.format(warmup));
      StepRun w = send(fleet, runs.size(), msgRate, warmup);
      report.result("warmup_sent", w.sent);
      report.result("warmup_lost", w.lost());
    }
    if (!step) {
      StepRun r = send(fleet, runs.size(), msgRate, duration);
      Map<String, Object> row = r.results();
      report.results(row);
      report.result("closed_by_server", fleet.closedByServer());
      return;
    }
    double best = 0;
    double rate = msgRate;
    int id = runs.size();
    while (rate <= maxRate) {
      StepRun r = send(fleet, id++, rate, stepDuration);
      Map<String, Object> row = r.results();
      report.step(row);
      boolean ok =
          r.latency.getTotalCount() > 0
              && r.latency.getValueAtPercentile(99) <= threshold.toNanos() / 1000
              && r.lost() == 0
              && r.sent >= 0.95 * rate * stepDuration.toNanos() / 1e9;
      if (!ok) {
        break;
      }
      best = rate;
      rate = Math.round(rate * stepFactor);
    }
    report.result("max_rate_under_threshold", best);
    report.result("closed_by_server", fleet.closedByServer());
  }

  /** One period of sending at a fixed rate, and what came of it. */
  private final class StepRun {
    final int id;
    final double rate;
    final Recorder recorder = new Recorder(3);
    final AtomicLongArray bits;
    final LongAdder received = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder errors = new LongAdder();
    volatile long lastArrival;
    long sent;
    long start;
    double sendSeconds;
    double seconds;
    Histogram latency;
    Map<String, Object> cpu;

    StepRun(int id, double rate, long capacity) {
      this.id = id;
      this.rate = rate;
      this.bits = new AtomicLongArray((int) ((capacity + 63) / 64));
    }

    /** Marks message {@code seq}; false when it had been seen already. */
    boolean mark(long seq) {
      int w = (int) (seq >>> 6);
      if (w >= bits.length()) {
        return true;
      }
      long bit = 1L << (seq & 63);
      long old = bits.getAndUpdate(w, v -> v | bit);
      return (old & bit) == 0;
    }

    long lost() {
      return sent - received.sum();
    }

    Map<String, Object> results() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rate_target", rate);
      m.put("sent", sent);
      m.put("sent_per_s", sendSeconds > 0 ? sent / sendSeconds : null);
      m.put("delivered", received.sum());
      m.put("delivered_per_s", seconds > 0 ? received.sum() / seconds : null);
      m.put("lost", lost());
      m.put("duplicates", duplicates.sum());
      m.put("errors", errors.sum());
      m.putAll(Report.latency("latency", latency));
      m.putAll(cpu);
      long delivered = received.sum();
      if (delivered > 0 && cpu.get("step_server_cpu_s") instanceof Double srv) {
        // CPU per message is what contention on a shared machine changes least
        m.put("server_cpu_us_per_msg", srv * 1e6 / delivered);
      }
      if (delivered > 0 && cpu.get("step_generator_cpu_s") instanceof Double gen) {
        m.put("generator_cpu_us_per_msg", gen * 1e6 / delivered);
      }
      return m;
    }
  }

  private volatile StepRun current;

  private StepRun send(Fleet fleet, int id, double rate, Duration length) {
    long planned = (long) Math.ceil(rate * length.toNanos() / 1e9) + 1;
    StepRun r = new StepRun(id, rate, planned);
    synchronized (runs) {
      runs.add(r);
    }
    current = r;
    XmppClient[] clients = fleet.clients;
    Map<EventLoop, List<XmppClient>> byLoop = new LinkedHashMap<>();
    int online = 0;
    for (XmppClient c : clients) {
      if (c != null && c.isOnline()) {
        byLoop.computeIfAbsent(c.channel().eventLoop(), l -> new ArrayList<>()).add(c);
        online++;
      }
    }
    CpuMeter cpu = new CpuMeter(opts.serverPids);
    AtomicLong nextSeq = new AtomicLong();
    long t0 = System.nanoTime();
    r.start = t0;
    long end = t0 + length.toNanos();
    List<ScheduledFuture<?>> tickers = new ArrayList<>();
    for (Map.Entry<EventLoop, List<XmppClient>> e : byLoop.entrySet()) {
      Sender s = new Sender(id, e.getValue(), clients, rate * e.getValue().size() / online);
      s.t0 = t0;
      s.end = end;
      s.planned = planned;
      s.seq = nextSeq;
      tickers.add(e.getKey().scheduleAtFixedRate(s::tick, 0, TICK.toNanos(), TimeUnit.NANOSECONDS));
    }
    while (System.nanoTime() < end) {
      LockSupport.parkNanos(Math.min(end - System.nanoTime(), 10_000_000));
    }
    for (ScheduledFuture<?> t : tickers) {
      t.cancel(false);
    }
    for (EventLoop loop : byLoop.keySet()) {
      loop.submit(() -> {}).syncUninterruptibly(); // a tick still running has finished
    }
    r.sent = Math.min(nextSeq.get(), planned);
    r.sendSeconds = (System.nanoTime() - t0) / 1e9;
    long graceEnd = System.nanoTime() + grace.toNanos();
    while (r.received.sum() < r.sent && System.nanoTime() < graceEnd) {
      LockSupport.parkNanos(1_000_000);
    }
    long last = r.lastArrival;
    r.seconds = ((last > t0 ? last : System.nanoTime()) - t0) / 1e9;
    r.latency = r.recorder.getIntervalHistogram();
    r.cpu = cpu.since("step");
    return r;
  }

  private static final Duration TICK = Duration.ofMillis(1);

  /**
   * Sends one event loop's share of the messages, from that loop's clients, on that loop: a write
   * from another thread costs a task, and often a wake-up of the loop, per message, which made the
   * generator's CPU per message a third of the server's.
   */
  private final class Sender {
    private final int step;
    private final List<XmppClient> own;
    private final XmppClient[] all;
    private final double rate;
    private final StringBuilder sb = new StringBuilder(256);
    private final String padding = bodyBytes > 0 ? " " + "x".repeat(bodyBytes) : "";
    long t0;
    long end;
    long planned;
    AtomicLong seq;
    private long sent;

    Sender(int step, List<XmppClient> own, XmppClient[] all, double rate) {
      this.step = step;
      this.own = own;
      this.all = all;
      this.rate = rate;
    }

    void tick() {
      long now = System.nanoTime();
      if (now >= end) {
        return;
      }
      long due = (long) ((now - t0) / 1e9 * rate) + 1;
      ThreadLocalRandom rnd = ThreadLocalRandom.current();
      while (sent < due) {
        XmppClient from = pickOwn(rnd);
        XmppClient to = pick(all, rnd, from == null ? -1 : from.index);
        if (from == null || to == null) {
          return;
        }
        long n = seq.getAndIncrement();
        if (n >= planned) {
          return;
        }
        sb.setLength(0);
        sb.append("<message to='")
            .append(opts.userPrefix)
            .append(opts.first + to.index)
            .append('@')
            .append(opts.domain)
            .append("' type='chat'><body>")
            .append(step)
            .append(' ')
            .append(n)
            .append(' ')
            .append(System.nanoTime())
            .append(padding)
            .append("</body></message>");
        from.send(sb);
        sent++;
      }
    }

    private XmppClient pickOwn(ThreadLocalRandom rnd) {
      for (int tries = 0; tries < 32; tries++) {
        XmppClient c = own.get(rnd.nextInt(own.size()));
        if (c.isOnline()) {
          return c;
        }
      }
      return null;
    }
  }

  /** A random online client other than {@code not}; null after a few misses. */
  private static XmppClient pick(XmppClient[] clients, ThreadLocalRandom rnd, int not) {
    for (int tries = 0; tries < 32; tries++) {
      XmppClient c = clients[rnd.nextInt(clients.length)];
      if (c != null && c.index != not && c.isOnline()) {
        return c;
      }
    }
    return null;
  }

  private void received(XmppClient to, Element message, long arrived) {
    StepRun cur = current;
    if ("error".equals(message.attr("type"))) {
      if (cur != null) {
        cur.errors.increment();
      }
      return;
    }
    String body = message.childText("body", Namespaces.CLIENT);
    if (body == null) {
      return;
    }
    int a = body.indexOf(' ');
    int b = a < 0 ? -1 : body.indexOf(' ', a + 1);
    if (b < 0) {
      return;
    }
    int c = body.indexOf(' ', b + 1);
    int id;
    long seq;
    long sentAt;
    try {
      id = Integer.parseInt(body, 0, a, 10);
      seq = Long.parseLong(body, a + 1, b, 10);
      sentAt = Long.parseLong(body, b + 1, c < 0 ? body.length() : c, 10);
    } catch (NumberFormatException e) {
      return;
    }
    StepRun r = cur != null && cur.id == id ? cur : find(id);
    if (r == null) {
      return;
    }
    if (!r.mark(seq)) {
      r.duplicates.increment();
      return;
    }
    r.recorder.recordValue(Math.max(1, (arrived - sentAt) / 1000));
    r.received.increment();
    r.lastArrival = arrived;
  }

  private StepRun find(int id) {
    synchronized (runs) {
      return id >= 0 && id < runs.size() ? runs.get(id) : null;
    }
  }
}
