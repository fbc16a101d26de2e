package dev.switchboard.bench.load;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bench table}: one table from several JSON reports of the same scenario, a column per
 * server and, for each other server, its ratio to the baseline's value.
 */
@Command(name = "table", description = "Side-by-side table of JSON reports, with ratios")
public final class TableCommand implements Callable<Integer> {
  @Parameters(paramLabel = "NAME=FILE", description = "Reports, in column order")
  List<String> reports = new ArrayList<>();

  @Option(names = "--baseline", description = "NAME whose values the ratios divide by")
  String baseline;

  @Option(names = "--markdown", description = "Print a Markdown table")
  boolean markdown;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Map<String, Map<String, Object>> results = new LinkedHashMap<>();
    Map<String, List<Map<String, Object>>> steps = new LinkedHashMap<>();
    for (String r : reports) {
      int eq = r.indexOf('=');
      String name = r.substring(0, eq);
      Path file = Path.of(r.substring(eq + 1));
      if (!Files.exists(file)) {
        results.put(name, Map.of());
        continue;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> all =
          (Map<String, Object>) Json.parse(Files.readString(file, StandardCharsets.UTF_8));
      @SuppressWarnings("unchecked")
      Map<String, Object> res = (Map<String, Object>) all.get("results");
      results.put(name, res);
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> st = (List<Map<String, Object>>) all.get("steps");
      steps.put(name, st == null ? List.of() : st);
    }
    Set<String> keys = new LinkedHashSet<>();
    results
        .values()
        .forEach(
            m ->
                m.forEach(
                    (k, v) -> {
                      if (v instanceof Number) {
                        keys.add(k);
                      }
                    }));
    List<String> names = new ArrayList<>(results.keySet());
    List<String> header = new ArrayList<>(List.of("metric"));
    header.addAll(names);
    for (String n : names) {
      if (baseline != null && !n.equals(baseline) && results.containsKey(baseline)) {
        header.add(n + "/" + baseline);
      }
    }
    List<List<String>> rows = new ArrayList<>();
    for (String k : keys) {
      List<String> row = new ArrayList<>(List.of(k));
      for (String n : names) {
        row.add(Report.text(results.get(n).get(k)));
      }
      for (String n : names) {
        if (baseline != null && !n.equals(baseline) && results.containsKey(baseline)) {
          row.add(ratio(results.get(n).get(k), results.get(baseline).get(k)));
        }
      }
      rows.add(row);
    }
    PrintWriter out = spec.commandLine().getOut();
    print(out, header, rows);
    for (Map.Entry<String, List<Map<String, Object>>> e : steps.entrySet()) {
      if (e.getValue().isEmpty()) {
        continue;
      }
      out.println();
      out.println("steps of " + e.getKey() + ":");
      List<String> cols = new ArrayList<>(e.getValue().get(0).keySet());
      List<List<String>> stepRows = new ArrayList<>();
      for (Map<String, Object> s : e.getValue()) {
        List<String> row = new ArrayList<>();
        cols.forEach(c -> row.add(Report.text(s.get(c))));
        stepRows.add(row);
      }
      print(out, cols, stepRows);
    }
    out.flush();
    return 0;
  }

  private static String ratio(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y && y.doubleValue() != 0) {
      return String.format(Locale.ROOT, "%.2f", x.doubleValue() / y.doubleValue());
    }
    return "-";
  }

  private void print(PrintWriter out, List<String> header, List<List<String>> rows) {
    int[] w = new int[header.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = header.get(i).length();
      for (List<String> r : rows) {
        w[i] = Math.max(w[i], r.get(i).length());
      }
    }
    if (markdown) {
      out.println("| " + String.join(" | ", header) + " |");
      out.println("|" + "---|".repeat(header.size()));
      rows.forEach(r -> out.println("| " + String.join(" | ", r) + " |"));
      return;
    }
    line(out, header, w);
    rows.forEach(r -> line(out, r, w));
  }

  private static void line(PrintWriter out, List<String> cells, int[] w) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      sb.append(
          i == 0 ? String.format("%-" + w[i] + "s", c) : String.format("  %" + w[i] + "s", c));
    }
    out.println(sb);
  }
}
