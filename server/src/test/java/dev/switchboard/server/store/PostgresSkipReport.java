package dev.switchboard.server.store;

import dev.switchboard.server.store.PostgresRequirement.PostgresUnavailable;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Lists, at the end of a test run, every test skipped because PostgreSQL was not reachable ({@link
 * PostgresRequirement}), so that a green build without PostgreSQL says loudly what it did not
 * prove. Registered in {@code META-INF/services}.
 */
public final class PostgresSkipReport implements TestExecutionListener {
  private TestPlan plan;
  private final List<String> skipped = new ArrayList<>();
  private long tests;

  @Override
  public void testPlanExecutionStarted(TestPlan testPlan) {
    plan = testPlan;
    skipped.clear();
    tests = 0;
  }

  @Override
  public synchronized void executionFinished(TestIdentifier id, TestExecutionResult result) {
    if (result.getStatus() != TestExecutionResult.Status.ABORTED
        || !(result.getThrowable().orElse(null) instanceof PostgresUnavailable)) {
      return;
    }
    // a class whose @BeforeAll was skipped takes all its tests with it
    long n =
        id.isTest()
            ? 1
            : plan == null
                ? 1
                : plan.getDescendants(id).stream().filter(TestIdentifier::isTest).count();
    tests += n;
    skipped.add(name(id) + (id.isTest() ? "" : " (" + n + " tests)"));
  }

  @Override
  public synchronized void testPlanExecutionFinished(TestPlan testPlan) {
    if (skipped.isEmpty()) {
      return;
    }
    StringBuilder b = new StringBuilder();
    b.append("WARNING: ")
        .append(tests)
        .append(" test(s) SKIPPED because PostgreSQL is not usable at ")
        .append(TestDatabases.PG_URL)
        .append(" (user postgres, trust); CI fails them instead:");
    for (String s : skipped) {
      b.append("\nWARNING:   ").append(s);
    }
    PostgresRequirement.warn(b.toString());
  }

  private static String name(TestIdentifier id) {
    TestSource source = id.getSource().orElse(null);
    if (source instanceof MethodSource m) {
      String cls = m.getClassName();
      return cls.substring(cls.lastIndexOf('.') + 1) + "." + m.getMethodName();
    }
    if (source instanceof ClassSource c) {
      return c.getJavaClass().getSimpleName();
    }
    return id.getDisplayName();
  }
}
