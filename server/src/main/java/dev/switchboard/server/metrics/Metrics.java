package dev.switchboard.server.metrics;

import dev.switchboard.xmpp.StreamErrorCondition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's meters, in a Prometheus registry that also carries the JVM and process meters.
 * Modules add their own through {@link #registry()}.
 *
 * <p>Names as Prometheus sees them (they are part of the operator interface: don't rename):
 *
 * <table>
 *   <caption>Switchboard meters</caption>
 *   <tr><th>Name</th><th>Type</th><th>Labels</th><th>Meaning</th></tr>
 *   <tr><td>{@code switchboard_c2s_connections}</td><td>gauge</td><td></td>
 *       <td>open client-to-server connections</td></tr>
 *   <tr><td>{@code switchboard_sessions}</td><td>gauge</td><td></td>
 *       <td>sessions with a bound resource</td></tr>
 *   <tr><td>{@code switchboard_logins_total}</td><td>counter</td>
 *       <td>{@code result=success|failure}</td><td>SASL authentications that finished</td></tr>
 *   <tr><td>{@code switchboard_login_duration_seconds}</td><td>histogram</td><td></td>
 *       <td>time from the first SASL element to success or failure</td></tr>
 *   <tr><td>{@code switchboard_stanzas_in_total}</td><td>counter</td>
 *       <td>{@code kind=message|presence|iq}</td><td>stanzas read from clients</td></tr>
 *   <tr><td>{@code switchboard_stanzas_out_total}</td><td>counter</td>
 *       <td>{@code kind=message|presence|iq}</td><td>stanzas written to clients</td></tr>
 *   <tr><td>{@code switchboard_stream_errors_total}</td><td>counter</td>
 *       <td>{@code condition} (RFC 6120 4.9.3 name)</td><td>stream errors sent</td></tr>
 *   <tr><td>{@code switchboard_session_crashes_total}</td><td>counter</td><td></td>
 *       <td>session actors that failed with an exception</td></tr>
 * </table>
 *
 * <p>Every method called per stanza or per connection is allocation-free: counters are created
 * once, here, and chosen with a switch or an enum map, never looked up by a built name.
 */
public final class Metrics implements AutoCloseable {
  /** Bucket bounds for the login histogram: SCRAM with many iterations plus a database read. */
  private static final Duration[] LOGIN_BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5)
  };

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();

  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger sessions = new AtomicInteger();

  private final Counter loginSuccess;
  private final Counter loginFailure;
  private final Timer loginDuration;
  private final Counter messagesIn;
  private final Counter presencesIn;
  private final Counter iqsIn;
  private final Counter messagesOut;
  private final Counter presencesOut;
  private final Counter iqsOut;
  private final EnumMap<StreamErrorCondition, Counter> streamErrors =
      new EnumMap<>(StreamErrorCondition.class);
  private final Map<String, Counter> streamErrorsByName = new HashMap<>();
  private final Counter sessionCrashes;

  public Metrics() {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);

    Gauge.builder("switchboard.c2s.connections", connections, AtomicInteger::get)
        .description("Open client-to-server connections")
        .strongReference(true)
        .register(registry);
    Gauge.builder("switchboard.sessions", sessions, AtomicInteger::get)
        .description("Sessions with a bound resource")
        .strongReference(true)
        .register(registry);

    loginSuccess = login("success");
    loginFailure = login("failure");
    loginDuration =
        Timer.builder("switchboard.login.duration")
            .description("Time from the start of SASL to its success or failure")
            .serviceLevelObjectives(LOGIN_BUCKETS)
            .register(registry);

    messagesIn = stanza("in", "message");
    presencesIn = stanza("in", "presence");
    iqsIn = stanza("in", "iq");
    messagesOut = stanza("out", "message");
    presencesOut = stanza("out", "presence");
    iqsOut = stanza("out", "iq");

    // All conditions exist from the start so that rate() sees the first error too.
    for (StreamErrorCondition c : StreamErrorCondition.values()) {
      Counter counter =
          Counter.builder("switchboard.stream.errors")
              .description("Stream errors sent, by RFC 6120 condition")
              .tag("condition", c.elementName())
              .register(registry);
      streamErrors.put(c, counter);
      streamErrorsByName.put(c.elementName(), counter);
    }
    sessionCrashes =
        Counter.builder("switchboard.session.crashes")
            .description("Session actors that failed with an exception")
            .register(registry);
  }

  private Counter login(String result) {
    return Counter.builder("switchboard.logins")
        .description("SASL authentications that finished, by result")
        .tag("result", result)
        .register(registry);
  }

  private Counter stanza(String direction, String kind) {
    return Counter.builder("switchboard.stanzas." + direction)
        .description(
            "Stanzas " + (direction.equals("in") ? "read from" : "written to") + " clients")
        .tag("kind", kind)
        .register(registry);
  }

  public void connectionOpened() {
    connections.incrementAndGet();
  }

  public void connectionClosed() {
    connections.decrementAndGet();
  }

  /** Open client connections now. */
  public int connections() {
    return connections.get();
  }

  /** Bound resources now. */
  public int sessions() {
    return sessions.get();
  }

  public void sessionBound() {
    sessions.incrementAndGet();
  }

  public void sessionEnded() {
    sessions.decrementAndGet();
  }

  public void loginSucceeded() {
    loginSuccess.increment();
  }

  public void loginFailed() {
    loginFailure.increment();
  }

  /**
   * A start time for {@link #loginFinished(long)}. A plain {@code long} rather than a {@code
   * Timer.Sample}, so a session can keep it in a field without allocating.
   */
  public long startLogin() {
    return registry.config().clock().monotonicTime();
  }

  /** Records the time since {@code started}, a value from {@link #startLogin()}. */
  public void loginFinished(long started) {
    long elapsed = registry.config().clock().monotonicTime() - started;
    loginDuration.record(elapsed, TimeUnit.NANOSECONDS);
  }

  /**
   * Counts a stanza read from a client.
   *
   * @param kind {@code message}, {@code presence} or {@code iq}
   * @throws IllegalArgumentException for any other kind
   */
  public void stanzaIn(String kind) {
    switch (kind) {
      case "message" -> messagesIn.increment();
      case "presence" -> presencesIn.increment();
      case "iq" -> iqsIn.increment();
      default -> throw unknownKind(kind);
    }
  }

  /**
   * Counts a stanza written to a client.
   *
   * @param kind {@code message}, {@code presence} or {@code iq}
   * @throws IllegalArgumentException for any other kind
   */
  public void stanzaOut(String kind) {
    switch (kind) {
      case "message" -> messagesOut.increment();
      case "presence" -> presencesOut.increment();
      case "iq" -> iqsOut.increment();
      default -> throw unknownKind(kind);
    }
  }

  private static IllegalArgumentException unknownKind(String kind) {
    return new IllegalArgumentException("not a stanza kind: " + kind);
  }

  public void streamError(StreamErrorCondition condition) {
    streamErrors.get(condition).increment();
  }

  /**
   * Counts a stream error by its element name ({@code not-well-formed}). A name RFC 6120 does not
   * define is counted as {@code undefined-condition}, its catch-all, so that a bad caller cannot
   * grow the label set.
   */
  public void streamError(String condition) {
    Counter c = streamErrorsByName.get(condition);
    (c != null ? c : streamErrors.get(StreamErrorCondition.UNDEFINED_CONDITION)).increment();
  }

  public void sessionCrashed() {
    sessionCrashes.increment();
  }

  /** The registry, for modules to add their own meters (name them {@code switchboard.<module>}). */
  public MeterRegistry registry() {
    return registry;
  }

  /** All meters in the Prometheus text format, version 0.0.4. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
