package dev.switchboard.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.igniterealtime.smack.inttest.FailedTest;
import org.igniterealtime.smack.inttest.SmackIntegrationTestFramework.ConcreteTest;
import org.igniterealtime.smack.inttest.SmackIntegrationTestFramework.TestRunResult;
import org.igniterealtime.smack.inttest.SuccessfulTest;
import org.igniterealtime.smack.inttest.TestNotPossible;

/**
 * What one or more runs of Smack's suite produced, by test name: {@code Class.method}, with the
 * connection type in brackets for the low-level tests that run once per connection type.
 */
record SuiteResult(
    Set<String> passed,
    Map<String, String> failed,
    Map<String, String> flaky,
    Map<String, String> notPossible,
    Map<String, String> classesNotPossible) {

  static SuiteResult empty() {
    return new SuiteResult(
        new TreeSet<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
  }

  /**
   * Takes the result of running {@code failed} tests a second time: those that pass now move from
   * failed to flaky, with the reason they failed the first time.
   */
  void addRetry(TestRunResult retry) {
    for (SuccessfulTest s : retry.getSuccessfulTests()) {
      String test = name(s.concreteTest);
      String firstFailure = failed.remove(test);
      if (firstFailure != null) {
        flaky.put(test, firstFailure);
      }
    }
  }

  /** Adds a run's results (the runs are kept apart by their test selections). */
  void add(TestRunResult run) {
    for (SuccessfulTest s : run.getSuccessfulTests()) {
      passed.add(name(s.concreteTest));
    }
    for (FailedTest f : run.getFailedTests()) {
      failed.put(name(f.concreteTest), String.valueOf(f.failureReason));
    }
    for (TestNotPossible n : run.getNotPossibleTests()) {
      notPossible.put(name(n.concreteTest), n.testNotPossibleException.getMessage());
    }
    run.getImpossibleTestClasses()
        .forEach(
            (c, t) -> classesNotPossible.put(c.getSimpleName(), String.valueOf(t.getMessage())));
  }

  static String name(ConcreteTest test) {
    String name =
        test.getMethod().getDeclaringClass().getSimpleName() + "." + test.getMethod().getName();
    return test.getSubdescriptons().isEmpty()
        ? name
        : name + " [" + String.join(", ", test.getSubdescriptons()) + "]";
  }

  /** Failures that are not in {@code expected}, with what went wrong. */
  Map<String, String> unexpectedFailures(Map<String, String> expected) {
    Map<String, String> out = new TreeMap<>(failed);
    out.keySet().removeAll(expected.keySet());
    return out;
  }

  /** Expected failures that ran and did not fail, with the reason they were listed. */
  Map<String, String> unexpectedPasses(Map<String, String> expected) {
    Map<String, String> out = new TreeMap<>();
    expected.forEach(
        (test, why) -> {
          if (passed.contains(test)) {
            out.put(test, why);
          }
        });
    return out;
  }

  /** Expected failures that did not run at all (neither passed nor failed). */
  Set<String> expectedButNotRun(Map<String, String> expected, boolean wholeSuite) {
    Set<String> out = new TreeSet<>();
    if (!wholeSuite) {
      return out; // a run of selected tests by hand: the others are not run on purpose
    }
    for (String test : expected.keySet()) {
      if (!passed.contains(test) && !failed.containsKey(test)) {
        out.add(test);
      }
    }
    return out;
  }

  /**
   * Tests and test classes the framework found not possible that {@code listed} (by class, or by
   * {@code Class.method}) does not name, with the framework's reason.
   */
  Map<String, String> unexpectedNotPossible(Map<String, String> listed) {
    Map<String, String> out = new TreeMap<>();
    classesNotPossible.forEach(
        (testClass, why) -> {
          if (!listed.containsKey(testClass)) {
            out.put(testClass, why);
          }
        });
    notPossible.forEach(
        (test, why) -> {
          if (!listed.containsKey(test) && !listed.containsKey(test.split("\\.")[0])) {
            out.put(test, why);
          }
        });
    return out;
  }

  /** Entries of {@code listed} whose tests ran (passed or failed): they are possible now. */
  Map<String, String> nowPossible(Map<String, String> listed) {
    Map<String, String> out = new TreeMap<>();
    listed.forEach(
        (entry, why) -> {
          boolean ran =
              passed.stream().anyMatch(t -> t.equals(entry) || t.startsWith(entry + "."))
                  || failed.keySet().stream()
                      .anyMatch(t -> t.equals(entry) || t.startsWith(entry + "."));
          if (ran) {
            out.put(entry, why);
          }
        });
    return out;
  }

  /** The report printed to the build's output. */
  String summary(String against, Map<String, String> expected, Map<String, String> listed) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "Smack integration suite against "
            + against
            + ": "
            + passed.size()
            + " passed, "
            + failed.size()
            + " failed ("
            + (failed.size() - unexpectedFailures(expected).size())
            + " of them expected), "
            + flaky.size()
            + " flaky (failed, then passed on a second run), "
            + notPossible.size()
            + " not possible; "
            + classesNotPossible.size()
            + " test classes not possible");
    failed.forEach(
        (test, why) ->
            lines.add(
                "  FAILED    "
                    + test
                    + (expected.containsKey(test)
                        ? "  (expected: " + expected.get(test) + ")"
                        : "  UNEXPECTED: " + why)));
    flaky.forEach(
        (test, why) ->
            lines.add("  FLAKY     " + test + ": failed, then passed when run again: " + why));
    passed.forEach(
        test ->
            lines.add(
                "  passed    "
                    + test
                    + (expected.containsKey(test)
                        ? "  UNEXPECTED PASS: remove it from the list"
                        : "")));
    notPossible.forEach(
        (test, why) ->
            lines.add("  not run   " + test + ": " + why + listedOr(listed, test.split("\\.")[0])));
    classesNotPossible.forEach(
        (test, why) -> lines.add("  not run   " + test + ".*: " + why + listedOr(listed, test)));
    SmackSuite.DISABLED.forEach((test, why) -> lines.add("  disabled  " + test + ": " + why));
    return String.join(System.lineSeparator(), lines);
  }

  private static String listedOr(Map<String, String> listed, String testClass) {
    String why = listed.get(testClass);
    if (listed.isEmpty()) {
      return ""; // a comparison with another server: nothing is expected of it
    }
    return why == null ? "  UNEXPECTED" : "  (expected: " + why + ")";
  }
}
