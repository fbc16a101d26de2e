package dev.switchboard.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.xmpp.StreamErrorCondition;
import io.micrometer.core.instrument.Counter;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsTest {
  private final Metrics metrics = new Metrics();

  @AfterEach
  void close() {
    metrics.close();
  }

  /** Parses the text format into series (name plus labels, as written) and values. */
  static Map<String, Double> samples(String scrape) {
    Map<String, Double> out = new HashMap<>();
    for (String line : scrape.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return out;
  }

  @Test
  void gaugesFollowOpenAndClose() {
    metrics.connectionOpened();
    metrics.connectionOpened();
    metrics.connectionOpened();
    metrics.connectionClosed();
    metrics.sessionBound();
    metrics.sessionBound();
    metrics.sessionEnded();

    Map<String, Double> s = samples(metrics.scrape());
    assertThat(s).containsEntry("switchboard_c2s_connections", 2.0);
    assertThat(s).containsEntry("switchboard_sessions", 1.0);
  }

  @Test
  void loginsAreCountedByResultAndTimed() {
    metrics.loginSucceeded();
    metrics.loginSucceeded();
    metrics.loginFailed();
    metrics.loginFinished(metrics.startLogin() - TimeUnit.MILLISECONDS.toNanos(30));

    Map<String, Double> s = samples(metrics.scrape());
    assertThat(s).containsEntry("switchboard_logins_total{result=\"success\"}", 2.0);
    assertThat(s).containsEntry("switchboard_logins_total{result=\"failure\"}", 1.0);
    assertThat(s).containsEntry("switchboard_login_duration_seconds_count", 1.0);
    assertThat(s.get("switchboard_login_duration_seconds_sum")).isCloseTo(0.030, within(0.010));
    // 30 ms lands above the 25 ms bucket and inside the 50 ms one
    assertThat(s).containsEntry("switchboard_login_duration_seconds_bucket{le=\"0.025\"}", 0.0);
    assertThat(s).containsEntry("switchboard_login_duration_seconds_bucket{le=\"0.05\"}", 1.0);
  }

  @Test
  void stanzasAreCountedByDirectionAndKind() {
    metrics.stanzaIn("message");
    metrics.stanzaIn("message");
    metrics.stanzaIn("presence");
    metrics.stanzaIn("iq");
    metrics.stanzaIn("iq");
    metrics.stanzaIn("iq");
    metrics.stanzaOut("message");

    Map<String, Double> s = samples(metrics.scrape());
    assertThat(s)
        .containsEntry("switchboard_stanzas_in_total{kind=\"message\"}", 2.0)
        .containsEntry("switchboard_stanzas_in_total{kind=\"presence\"}", 1.0)
        .containsEntry("switchboard_stanzas_in_total{kind=\"iq\"}", 3.0)
        .containsEntry("switchboard_stanzas_out_total{kind=\"message\"}", 1.0)
        .containsEntry("switchboard_stanzas_out_total{kind=\"presence\"}", 0.0)
        .containsEntry("switchboard_stanzas_out_total{kind=\"iq\"}", 0.0);
  }

  @Test
  void anUnknownStanzaKindIsACallerBug() {
    assertThatThrownBy(() -> metrics.stanzaIn("Message"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Message");
    assertThatThrownBy(() -> metrics.stanzaOut("stream"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void streamErrorsAreCountedByConditionAndUnknownNamesCannotAddLabels() {
    metrics.streamError("not-well-formed");
    metrics.streamError(StreamErrorCondition.NOT_WELL_FORMED);
    metrics.streamError(StreamErrorCondition.POLICY_VIOLATION);
    metrics.streamError("made-up-condition");

    String scrape = metrics.scrape();
    Map<String, Double> s = samples(scrape);
    assertThat(s)
        .containsEntry("switchboard_stream_errors_total{condition=\"not-well-formed\"}", 2.0)
        .containsEntry("switchboard_stream_errors_total{condition=\"policy-violation\"}", 1.0)
        .containsEntry("switchboard_stream_errors_total{condition=\"undefined-condition\"}", 1.0)
        .containsEntry("switchboard_stream_errors_total{condition=\"host-unknown\"}", 0.0);
    assertThat(scrape).doesNotContain("made-up-condition");
    assertThat(s.keySet().stream().filter(k -> k.startsWith("switchboard_stream_errors_total")))
        .hasSize(StreamErrorCondition.values().length);
  }

  @Test
  void sessionCrashesAreCounted() {
    metrics.sessionCrashed();
    assertThat(samples(metrics.scrape())).containsEntry("switchboard_session_crashes_total", 1.0);
  }

  @Test
  void jvmAndProcessMetersAreBound() {
    Map<String, Double> s = samples(metrics.scrape());
    assertThat(s.keySet())
        .anyMatch(k -> k.startsWith("jvm_memory_used_bytes{"))
        .anyMatch(k -> k.startsWith("jvm_threads_live_threads"))
        .anyMatch(k -> k.startsWith("jvm_classes_loaded_classes"))
        .anyMatch(k -> k.startsWith("system_cpu_count"))
        .anyMatch(k -> k.startsWith("process_uptime_seconds"))
        .anyMatch(k -> k.startsWith("process_files_open_files"));
    assertThat(s.get("process_files_open_files")).isPositive();
  }

  @Test
  void modulesCanRegisterTheirOwnMeters() {
    Counter.builder("switchboard.mam.queries").register(metrics.registry()).increment(4);
    assertThat(samples(metrics.scrape())).containsEntry("switchboard_mam_queries_total", 4.0);
  }

  @Test
  void hotPathMethodsDoNotAllocate() {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().threadId();
    long started = metrics.startLogin();
    for (int i = 0; i < 20_000; i++) { // let the JIT settle first
      exercise(metrics, started);
    }
    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < 100_000; i++) {
      exercise(metrics, started);
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    // one byte per call would already be ~1 MB; allow a little for the measurement itself
    assertThat(allocated).isLessThan(16 * 1024);
  }

  private static void exercise(Metrics m, long started) {
    m.connectionOpened();
    m.stanzaIn("message");
    m.stanzaIn("presence");
    m.stanzaIn("iq");
    m.stanzaOut("message");
    m.stanzaOut("iq");
    m.streamError(StreamErrorCondition.CONFLICT);
    m.streamError("reset");
    m.loginSucceeded();
    m.loginFinished(started);
    m.connectionClosed();
  }
}
