package dev.switchboard.server.auth;

import static dev.switchboard.server.auth.SaslTesting.challenge;
import static dev.switchboard.server.auth.SaslTesting.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.server.auth.SaslTesting.MapLookup;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlainMechanismTest {
  private static final String DOMAIN = "example.org";
  private static StoredCredentials alice;

  private final AtomicInteger cpuTasks = new AtomicInteger();
  private final Executor cpu =
      task -> {
        cpuTasks.incrementAndGet();
        ForkJoinPool.commonPool().execute(task);
      };
  private PlainMechanism plain;
  private MapLookup lookup;

  @BeforeAll
  static void createAccounts() {
    alice = Passwords.derive("wonderland", 4096);
  }

  @BeforeEach
  void setUp() {
    plain = new PlainMechanism(cpu);
    lookup = new MapLookup(Map.of("alice", alice));
  }

  private SaslStep auth(String message) throws Exception {
    return step(plain.start(DOMAIN, lookup), message);
  }

  private static SaslFailure condition(SaslStep step) {
    assertThat(step).isInstanceOf(SaslStep.Failure.class);
    return ((SaslStep.Failure) step).condition();
  }

  @Test
  void theRightPasswordSucceedsAndIsCheckedOnTheCpuExecutor() throws Exception {
    SaslStep done = auth("\0alice\0wonderland");
    assertThat(done).isEqualTo(new SaslStep.Success("alice", null));
    assertThat(cpuTasks.get()).isEqualTo(1);
    assertThat(plain.name()).isEqualTo("PLAIN");
  }

  @Test
  void usernamesAreCanonicalized() throws Exception {
    assertThat(auth("\0ALICE\0wonderland")).isEqualTo(new SaslStep.Success("alice", null));
    assertThat(lookup.asked).containsExactly("alice");
  }

  @Test
  void aPasswordThatPassedLatelyIsRememberedButNothingElseIs() throws Exception {
    Map<String, StoredCredentials> accounts = new HashMap<>(Map.of("alice", alice));
    PlainLoginCache recent = new PlainLoginCache(100, Duration.ofHours(1));
    plain = new PlainMechanism(cpu, 4096, recent);
    lookup = new MapLookup(accounts);

    assertThat(condition(auth("\0alice\0looking-glass"))).isEqualTo(SaslFailure.NOT_AUTHORIZED);
    assertThat(recent.size()).isZero(); // failures are never kept
    assertThat(auth("\0alice\0wonderland")).isEqualTo(new SaslStep.Success("alice", null));
    assertThat(recent.matches("alice@" + DOMAIN, "wonderland", alice.sha256())).isTrue();
    assertThat(auth("\0alice\0wonderland")).isEqualTo(new SaslStep.Success("alice", null));
    assertThat(condition(auth("\0alice\0looking-glass"))).isEqualTo(SaslFailure.NOT_AUTHORIZED);

    // the password is changed: the remembered one stops working at once
    accounts.put("alice", Passwords.derive("looking-glass", 4096));
    assertThat(condition(auth("\0alice\0wonderland"))).isEqualTo(SaslFailure.NOT_AUTHORIZED);
    assertThat(auth("\0alice\0looking-glass")).isEqualTo(new SaslStep.Success("alice", null));
  }

  @Test
  void aWrongPasswordIsNotAuthorized() throws Exception {
    assertThat(condition(auth("\0alice\0looking-glass"))).isEqualTo(SaslFailure.NOT_AUTHORIZED);
  }

  @Test
  void anUnknownUserFailsTheSameWayAfterTheSameWork() throws Exception {
    SaslStep unknown = auth("\0nobody\0wonderland");
    SaslStep wrong = auth("\0alice\0looking-glass");
    assertThat(unknown).isEqualTo(wrong);
    assertThat(condition(unknown)).isEqualTo(SaslFailure.NOT_AUTHORIZED);
    // both spent a PBKDF2 run on the CPU executor
    assertThat(cpuTasks.get()).isEqualTo(2);
  }

  @Test
  void authzidMayOnlyBeTheAccountItself() throws Exception {
    assertThat(auth("alice@example.org\0alice\0wonderland"))
        .isEqualTo(new SaslStep.Success("alice", null));
    assertThat(condition(auth("bob@example.org\0alice\0wonderland")))
        .isEqualTo(SaslFailure.INVALID_AUTHZID);
    assertThat(condition(auth("alice@example.org/phone\0alice\0wonderland")))
        .isEqualTo(SaslFailure.INVALID_AUTHZID);
    assertThat(condition(auth("alice@example.net\0alice\0wonderland")))
        .isEqualTo(SaslFailure.INVALID_AUTHZID);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "alice", "alice\0wonderland", "\0\0wonderland", "\0alice\0", "a\0b\0c\0d"})
  void malformedMessages(String message) throws Exception {
    assertThat(condition(auth(message))).isEqualTo(SaslFailure.MALFORMED_REQUEST);
    assertThat(cpuTasks.get()).isZero();
  }

  @Test
  void messagesMustBeUtf8() throws Exception {
    byte[] bad = {0, 'a', 0, (byte) 0xFF};
    assertThat(condition(step(plain.start(DOMAIN, lookup), bad)))
        .isEqualTo(SaslFailure.MALFORMED_REQUEST);
  }

  @Test
  void usernamesThatCannotBeLocalpartsAreNotAuthorized() throws Exception {
    assertThat(condition(auth("\0alice@example.org\0wonderland")))
        .isEqualTo(SaslFailure.NOT_AUTHORIZED);
    assertThat(lookup.asked).isEmpty();
  }

  @Test
  void withoutInitialResponseTheServerAsksWithAnEmptyChallenge() throws Exception {
    SaslExchange ex = plain.start(DOMAIN, lookup);
    assertThat(challenge(step(ex, (byte[]) null))).isEmpty();
    assertThat(step(ex, "\0alice\0wonderland")).isEqualTo(new SaslStep.Success("alice", null));
    assertThat(condition(step(ex, "\0alice\0wonderland"))).isEqualTo(SaslFailure.MALFORMED_REQUEST);
  }

  @Test
  void aFailingLookupIsATemporaryFailure() throws Exception {
    CredentialLookup failing =
        username -> CompletableFuture.failedFuture(new IllegalStateException("db down"));
    assertThat(condition(step(plain.start(DOMAIN, failing), "\0alice\0wonderland")))
        .isEqualTo(SaslFailure.TEMPORARY_AUTH_FAILURE);
  }
}
