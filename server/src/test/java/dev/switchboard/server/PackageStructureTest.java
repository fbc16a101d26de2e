package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape of the code, read from the compiled classes with the JDK's {@code jdeps}: no package
 * depends on itself through others, the kernel never names a feature module, and the stream machine
 * stays a pure function over the protocol.
 */
class PackageStructureTest {
  private static final String ROOT = "dev.switchboard.server";
  private static final Map<String, Set<String>> DEPS = new TreeMap<>();

  @BeforeAll
  static void readDependencies() {
    Path classes = Path.of("target", "classes");
    assertThat(Files.isDirectory(classes)).as("compiled classes in " + classes).isTrue();
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    StringWriter out = new StringWriter();
    PrintWriter pw = new PrintWriter(out);
    int rc = jdeps.run(pw, pw, "-verbose:package", classes.toString());
    pw.flush();
    assertThat(rc).as(out.toString()).isZero();
    for (String line : out.toString().lines().toList()) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 3 && f[1].equals("->") && f[0].startsWith(ROOT)) {
        DEPS.computeIfAbsent(f[0], k -> new TreeSet<>()).add(f[2]);
      }
    }
    assertThat(DEPS).as("packages found by jdeps").hasSizeGreaterThan(10);
  }

  private static Set<String> internal(String pkg) {
    Set<String> out = new TreeSet<>();
    for (String d : DEPS.getOrDefault(pkg, Set.of())) {
      if (d.startsWith(ROOT) && !d.equals(pkg)) {
        out.add(d);
      }
    }
    return out;
  }

  @Test
  void noPackageDependsOnItselfThroughOthers() {
    List<List<String>> cycles = stronglyConnected();
    assertThat(cycles).as("package cycles").isEmpty();
  }

  @Test
  void theKernelNeverNamesAFeatureModule() {
    List<String> offenders = new ArrayList<>();
    for (String pkg : DEPS.keySet()) {
      boolean kernel =
          !pkg.equals(ROOT) && !pkg.startsWith(ROOT + ".mod.") && !pkg.startsWith(ROOT + ".cli");
      if (!kernel) {
        continue;
      }
      for (String d : internal(pkg)) {
        if (d.startsWith(ROOT + ".mod.")) {
          offenders.add(pkg + " -> " + d);
        }
      }
    }
    assertThat(offenders).isEmpty();
  }

  @Test
  void theStreamMachineKnowsNoSocketActorOrStore() {
    Set<String> deps = DEPS.get(ROOT + ".stream");
    assertThat(deps).isNotNull();
    for (String d : deps) {
      assertThat(d)
          .as("stream depends on " + d)
          .matches(
              p ->
                  p.startsWith("java.")
                      || p.equals("dev.switchboard.xmpp")
                      || p.equals(ROOT + ".auth"),
              "java.*, the xmpp module or auth's SASL steps");
    }
  }

  /** Tarjan's algorithm over the internal dependencies; components of more than one package. */
  private static List<List<String>> stronglyConnected() {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new HashSet<>();
    List<List<String>> out = new ArrayList<>();
    int[] counter = {0};
    for (String v : DEPS.keySet()) {
      if (!index.containsKey(v)) {
        connect(v, index, low, stack, onStack, out, counter);
      }
    }
    return out;
  }

  private static void connect(
      String v,
      Map<String, Integer> index,
      Map<String, Integer> low,
      Deque<String> stack,
      Set<String> onStack,
      List<List<String>> out,
      int[] counter) {
    index.put(v, counter[0]);
    low.put(v, counter[0]);
    counter[0]++;
    stack.push(v);
    onStack.add(v);
    for (String w : internal(v)) {
      if (!index.containsKey(w)) {
        connect(w, index, low, stack, onStack, out, counter);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      List<String> component = new ArrayList<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      if (component.size() > 1) {
        component.sort(null);
        out.add(component);
      }
    }
  }
}
