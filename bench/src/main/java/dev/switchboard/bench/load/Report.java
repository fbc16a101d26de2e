package dev.switchboard.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one scenario run: its parameters, its results (flat, named with their unit, such
 * as {@code logins_per_s} or {@code latency_p99_ms}) and, for stepped runs, one row per step.
 * Printed as a table for people and written as JSON for {@code compare.sh}.
 */
final class Report {
  private final Map<String, Object> params = new LinkedHashMap<>();
  private final Map<String, Object> results = new LinkedHashMap<>();
  private final List<Map<String, Object>> steps = new ArrayList<>();

  Report(String scenario, String label) {
    params.put("scenario", scenario);
    params.put("label", label);
  }

  Report param(String key, Object value) {
    params.put(key, value);
    return this;
  }

  Report result(String key, Object value) {
    results.put(key, value);
    return this;
  }

  Report step(Map<String, Object> row) {
    steps.add(row);
    return this;
  }

  Object result(String key) {
    return results.get(key);
  }

  /** Latency percentiles of a histogram recorded in microseconds, as milliseconds. */
  static Map<String, Object> latency(String prefix, Histogram h) {
    Map<String, Object> m = new LinkedHashMap<>();
    boolean empty = h.getTotalCount() == 0;
    m.put(prefix + "_p50_ms", empty ? null : ms(h.getValueAtPercentile(50)));
    m.put(prefix + "_p99_ms", empty ? null : ms(h.getValueAtPercentile(99)));
    m.put(prefix + "_p999_ms", empty ? null : ms(h.getValueAtPercentile(99.9)));
    m.put(prefix + "_max_ms", empty ? null : ms(h.getMaxValue()));
    return m;
  }

  private static double ms(long micros) {
    return Math.round(micros / 10.0) / 100.0;
  }

  void results(Map<String, Object> m) {
    results.putAll(m);
  }

  /** The human-readable form. */
  String table() {
    StringBuilder sb = new StringBuilder();
    sb.append(params.get("scenario")).append(" against ").append(params.get("label")).append('\n');
    for (Map.Entry<String, Object> e : params.entrySet()) {
      if (!e.getKey().equals("scenario") && !e.getKey().equals("label")) {
        line(sb, "  " + e.getKey(), e.getValue());
      }
    }
    if (!steps.isEmpty()) {
      List<String> cols = new ArrayList<>(steps.get(0).keySet());
      sb.append('\n');
      for (String c : cols) {
        sb.append(String.format(Locale.ROOT, "%14s", shorten(c)));
      }
      sb.append('\n');
      for (Map<String, Object> row : steps) {
        for (String c : cols) {
          sb.append(String.format(Locale.ROOT, "%14s", text(row.get(c))));
        }
        sb.append('\n');
      }
    }
    sb.append('\n');
    for (Map.Entry<String, Object> e : results.entrySet()) {
      line(sb, "  " + e.getKey(), e.getValue());
    }
    return sb.toString();
  }

  private static String shorten(String s) {
    return s.length() > 13 ? s.substring(0, 13) : s;
  }

  private static void line(StringBuilder sb, String key, Object value) {
    if (value instanceof Map<?, ?> m) {
      sb.append(key).append(":\n");
      for (Map.Entry<?, ?> e : m.entrySet()) {
        line(sb, "    " + e.getKey(), e.getValue());
      }
      return;
    }
    sb.append(String.format(Locale.ROOT, "%-34s %s%n", key, text(value)));
  }

  static String text(Object v) {
    if (v == null) {
      return "-";
    }
    if (v instanceof Double d) {
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        return "-";
      }
      double a = Math.abs(d);
      return String.format(
          Locale.ROOT, a >= 1000 ? "%.0f" : a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : "%.3f", d);
    }
    return v.toString();
  }

  /** The JSON form: {"params": {...}, "results": {...}, "steps": [...]}. */
  String json() {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("params", params);
    all.put("results", results);
    all.put("steps", steps);
    StringBuilder sb = new StringBuilder();
    Json.write(all, sb, "");
    return sb.append('\n').toString();
  }

  void writeJson(Path file) throws IOException {
    Files.writeString(file, json(), StandardCharsets.UTF_8);
  }
}
