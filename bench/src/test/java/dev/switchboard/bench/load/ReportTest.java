package dev.switchboard.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class ReportTest {
  @Test
  void jsonReadsBackWhatItWrote() {
    Report r = new Report("chat", "switch \"board\"");
    r.param("users", 2000).param("rate", 1.5);
    r.result("delivered_per_s", 1999.25).result("lost", 0L).result("none", null);
    r.result("failure_reasons", Map.of("connect: refused", 3L));
    r.step(Map.of("rate_target", 250.0));
    @SuppressWarnings("unchecked")
    Map<String, Object> back = (Map<String, Object>) Json.parse(r.json());
    assertThat(back.get("params"))
        .isEqualTo(
            Map.of("scenario", "chat", "label", "switch \"board\"", "users", 2000.0, "rate", 1.5));
    @SuppressWarnings("unchecked")
    Map<String, Object> results = (Map<String, Object>) back.get("results");
    assertThat(results.get("delivered_per_s")).isEqualTo(1999.25);
    assertThat(results.get("lost")).isEqualTo(0.0);
    assertThat(results).containsEntry("none", null);
    assertThat(results.get("failure_reasons")).isEqualTo(Map.of("connect: refused", 3.0));
    assertThat(back.get("steps")).isEqualTo(List.of(Map.of("rate_target", 250.0)));
  }

  @Test
  void latencyIsReportedInMillisecondsAndEmptyHistogramsAsNull() {
    Histogram h = new Histogram(3);
    for (int i = 1; i <= 1000; i++) {
      h.recordValue(i * 1000L); // 1..1000 ms in microseconds
    }
    Map<String, Object> m = Report.latency("latency", h);
    assertThat((double) m.get("latency_p50_ms")).isBetween(499.0, 501.0);
    assertThat((double) m.get("latency_max_ms")).isBetween(999.0, 1001.0);
    assertThat(Report.latency("x", new Histogram(3)).get("x_p99_ms")).isNull();
  }

  @Test
  void durationsTakeUnits() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse("45")).isEqualTo(Duration.ofSeconds(45));
    assertThatThrownBy(() -> Durations.parse("soon")).isInstanceOf(TypeConversionException.class);
    assertThatThrownBy(() -> Durations.parse("3d")).isInstanceOf(TypeConversionException.class);
  }
}
