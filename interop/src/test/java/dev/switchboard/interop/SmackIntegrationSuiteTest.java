package dev.switchboard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Smack's own integration test suite ({@code smack-integration-test}) against a Switchboard server
 * started in this JVM, held to {@link ExpectedFailures}. See docs/interop.md.
 */
class SmackIntegrationSuiteTest {
  /** For a run by hand: test classes or {@code Class.method}s to run, comma-separated. */
  private static final String SELECTION = System.getProperty("sinttest.enabledTests");

  /** For a run by hand: {@code console} prints every stanza. */
  private static final String DEBUGGER = System.getProperty("sinttest.debugger");

  /**
   * For a comparison by hand: the port of another server already running on 127.0.0.1 (with {@code
   * interop.cert}, its certificate in PEM, and in-band registration on) to run the suite against
   * instead of Switchboard; nothing is then asserted but that something passed.
   */
  private static final String OTHER_PORT = System.getProperty("interop.port");

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES) // the suite's own bounds are per test
  void smackSuite() throws Exception {
    SuiteLogging.toFile();
    if (OTHER_PORT != null) {
      SuiteResult result =
          SmackSuite.run(
              System.getProperty("interop.domain", "localhost"),
              Integer.parseInt(OTHER_PORT),
              SwitchboardUnderTest.trusting(Path.of(System.getProperty("interop.cert"))),
              Map.of(),
              SELECTION,
              DEBUGGER);
      System.out.println(result.summary("127.0.0.1:" + OTHER_PORT, Map.of(), Map.of()));
      assertThat(result.passed()).as("tests that passed").isNotEmpty();
      return;
    }

    Map<String, String> expected = ExpectedFailures.SWITCHBOARD;
    Map<String, String> notPossible = ExpectedFailures.NOT_POSSIBLE;
    SuiteResult result;
    try (SwitchboardUnderTest server = SwitchboardUnderTest.start()) {
      result =
          SmackSuite.run(
              SwitchboardUnderTest.DOMAIN,
              server.port(),
              server.trustManager(),
              expected,
              SELECTION,
              DEBUGGER);
    }
    System.out.println(result.summary("Switchboard", expected, notPossible));

    SoftAssertions.assertSoftly(
        soft -> {
          soft.assertThat(result.passed()).as("tests that passed").isNotEmpty();
          soft.assertThat(result.unexpectedFailures(expected))
              .as("failures not in ExpectedFailures (fix them, or list them there with the reason)")
              .isEmpty();
          soft.assertThat(result.unexpectedPasses(expected))
              .as("in ExpectedFailures but passed: remove them there and from docs/interop.md")
              .isEmpty();
          soft.assertThat(result.expectedButNotRun(expected, SELECTION == null))
              .as("in ExpectedFailures but did not run (renamed, or no longer possible?)")
              .isEmpty();
          soft.assertThat(result.unexpectedNotPossible(notPossible))
              .as("not possible, and not in ExpectedFailures.NOT_POSSIBLE (a service gone?)")
              .isEmpty();
          soft.assertThat(result.nowPossible(notPossible))
              .as("in ExpectedFailures.NOT_POSSIBLE but ran: remove them there and from docs")
              .isEmpty();
        });
  }
}
