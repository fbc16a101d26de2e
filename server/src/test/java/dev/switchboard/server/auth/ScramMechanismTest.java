package dev.switchboard.server.auth;

import static dev.switchboard.server.auth.SaslTesting.challenge;
import static dev.switchboard.server.auth.SaslTesting.step;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.server.auth.SaslTesting.MapLookup;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ScramMechanismTest {
  private static final String DOMAIN = "example.org";
  private static StoredCredentials alice;

  @BeforeAll
  static void createAccounts() {
    alice = Passwords.derive("wonderland", 4096);
  }

  private static MapLookup lookup() {
    return new MapLookup(Map.of("alice", alice, "a,b=c", alice));
  }

  private static SaslExchange start(ScramHash hash, CredentialLookup lookup) {
    return new ScramMechanism(hash).start(DOMAIN, lookup);
  }

  private static SaslStep.Failure failure(SaslStep step) {
    assertThat(step).isInstanceOf(SaslStep.Failure.class);
    return (SaslStep.Failure) step;
  }

  @Test
  void rfc7677TestVector() throws Exception {
    // RFC 7677 section 3: user "user", password "pencil"
    byte[] salt = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
    StoredCredentials user =
        new StoredCredentials(
            ScramCredential.derive(ScramHash.SHA_1, "pencil", salt, 4096),
            ScramCredential.derive(ScramHash.SHA_256, "pencil", salt, 4096));
    ScramMechanism scram =
        new ScramMechanism(
            ScramHash.SHA_256, 4096, new byte[] {1}, () -> "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
    SaslExchange ex = scram.start(DOMAIN, new MapLookup(Map.of("user", user)));

    String serverFirst = challenge(step(ex, "n,,n=user,r=rOprNGfwEbeRWgbNEkqO"));
    assertThat(serverFirst)
        .isEqualTo(
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
    String clientFinal =
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    // the independent client computes the same proof from the password
    RfcScramClient client =
        new RfcScramClient(ScramHash.SHA_256, "n,,", "user", "rOprNGfwEbeRWgbNEkqO");
    assertThat(client.clientFinal(serverFirst, "pencil")).isEqualTo(clientFinal);

    SaslStep done = step(ex, clientFinal);
    assertThat(done).isInstanceOf(SaslStep.Success.class);
    SaslStep.Success success = (SaslStep.Success) done;
    assertThat(success.username()).isEqualTo("user");
    assertThat(new String(success.additionalData(), UTF_8))
        .isEqualTo("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
        .isEqualTo(client.expectedServerFinal());
  }

  @Test
  void rfc5802TestVector() throws Exception {
    // RFC 5802 section 5: SCRAM-SHA-1, user "user", password "pencil"
    byte[] salt = Base64.getDecoder().decode("QSXCR+Q6sek8bf92");
    StoredCredentials user =
        new StoredCredentials(
            ScramCredential.derive(ScramHash.SHA_1, "pencil", salt, 4096),
            ScramCredential.derive(ScramHash.SHA_256, "pencil", salt, 4096));
    ScramMechanism scram =
        new ScramMechanism(ScramHash.SHA_1, 4096, new byte[] {1}, () -> "3rfcNHYJY1ZVvWVs7j");
    SaslExchange ex = scram.start(DOMAIN, new MapLookup(Map.of("user", user)));

    assertThat(challenge(step(ex, "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL")))
        .isEqualTo("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096");
    SaslStep done =
        step(
            ex,
            "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
    assertThat(done).isInstanceOf(SaslStep.Success.class);
    assertThat(new String(((SaslStep.Success) done).additionalData(), UTF_8))
        .isEqualTo("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=");
  }

  @ParameterizedTest
  @EnumSource(ScramHash.class)
  void authenticatesAgainstAnIndependentClient(ScramHash hash) throws Exception {
    MapLookup lookup = lookup();
    SaslExchange ex = start(hash, lookup);
    RfcScramClient client = new RfcScramClient(hash, "n,,", "alice", "c1i2e3n4t5");
    String serverFirst = challenge(step(ex, client.clientFirst()));
    assertThat(serverFirst).startsWith("r=c1i2e3n4t5").contains(",i=4096");
    SaslStep done = step(ex, client.clientFinal(serverFirst, "wonderland"));
    assertThat(done).isInstanceOf(SaslStep.Success.class);
    SaslStep.Success success = (SaslStep.Success) done;
    assertThat(success.username()).isEqualTo("alice");
    assertThat(new String(success.additionalData(), UTF_8)).isEqualTo(client.expectedServerFinal());
    assertThat(lookup.asked).containsExactly("alice");
  }

  @ParameterizedTest
  @EnumSource(ScramHash.class)
  void wrongPasswordIsNotAuthorized(ScramHash hash) throws Exception {
    SaslExchange ex = start(hash, lookup());
    RfcScramClient client = new RfcScramClient(hash, "n,,", "alice", "abc");
    String serverFirst = challenge(step(ex, client.clientFirst()));
    SaslStep done = step(ex, client.clientFinal(serverFirst, "looking-glass"));
    assertThat(failure(done).condition()).isEqualTo(SaslFailure.NOT_AUTHORIZED);
  }

  @Test
  void unknownUsersLookLikeKnownOnesUntilTheProof() throws Exception {
    ScramMechanism scram = new ScramMechanism(ScramHash.SHA_256);
    MapLookup lookup = lookup();

    String known = challenge(step(scram.start(DOMAIN, lookup), "n,,n=alice,r=abc"));
    String unknown = challenge(step(scram.start(DOMAIN, lookup), "n,,n=nobody,r=abc"));
    String again = challenge(step(scram.start(DOMAIN, lookup), "n,,n=nobody,r=abc"));
    String other = challenge(step(scram.start(DOMAIN, lookup), "n,,n=somebody,r=abc"));

    assertThat(salt(unknown)).hasSameSizeAs(salt(known)).isEqualTo(salt(again));
    assertThat(salt(other)).isNotEqualTo(salt(unknown));
    assertThat(iterations(unknown)).isEqualTo(iterations(known));

    // the proof then fails exactly as a wrong password does
    SaslExchange ex = scram.start(DOMAIN, lookup);
    RfcScramClient client = new RfcScramClient(ScramHash.SHA_256, "n,,", "nobody", "abc");
    SaslStep.Failure unknownFailure =
        failure(step(ex, client.clientFinal(challenge(step(ex, client.clientFirst())), "x")));
    SaslExchange ex2 = scram.start(DOMAIN, lookup);
    RfcScramClient client2 = new RfcScramClient(ScramHash.SHA_256, "n,,", "alice", "abc");
    SaslStep.Failure wrongPassword =
        failure(step(ex2, client2.clientFinal(challenge(step(ex2, client2.clientFirst())), "x")));
    assertThat(unknownFailure).isEqualTo(wrongPassword);
    assertThat(unknownFailure.condition()).isEqualTo(SaslFailure.NOT_AUTHORIZED);
  }

  @Test
  void decoySaltsFollowTheSecret() throws Exception {
    byte[] secret = {4, 2};
    String a =
        challenge(
            step(
                new ScramMechanism(ScramHash.SHA_1, 5000, secret).start(DOMAIN, lookup()),
                "n,,n=nobody,r=abc"));
    String b =
        challenge(
            step(
                new ScramMechanism(ScramHash.SHA_1, 5000, secret).start(DOMAIN, lookup()),
                "n,,n=nobody,r=abc"));
    assertThat(salt(a)).isEqualTo(salt(b));
    assertThat(iterations(a)).isEqualTo(5000);
  }

  private static byte[] salt(String serverFirst) {
    return Base64.getDecoder().decode(attr(serverFirst, 's'));
  }

  private static int iterations(String serverFirst) {
    return Integer.parseInt(attr(serverFirst, 'i'));
  }

  private static String attr(String message, char name) {
    for (String a : message.split(",")) {
      if (a.charAt(0) == name) {
        return a.substring(2);
      }
    }
    throw new AssertionError("no " + name + " in " + message);
  }

  @Test
  void withoutInitialResponseTheServerAsksWithAnEmptyChallenge() throws Exception {
    SaslExchange ex = start(ScramHash.SHA_256, lookup());
    assertThat(challenge(step(ex, (byte[]) null))).isEmpty();
    RfcScramClient client = new RfcScramClient(ScramHash.SHA_256, "n,,", "alice", "xyz");
    String serverFirst = challenge(step(ex, client.clientFirst()));
    assertThat(step(ex, client.clientFinal(serverFirst, "wonderland")))
        .isInstanceOf(SaslStep.Success.class);
  }

  @Test
  void anEmptyInitialResponseIsMalformed() throws Exception {
    SaslExchange ex = start(ScramHash.SHA_256, lookup());
    assertThat(failure(step(ex, new byte[0])).condition()).isEqualTo(SaslFailure.MALFORMED_REQUEST);
  }

  @Test
  void acceptsClientsThatCouldBindButThinkWeCannot() throws Exception {
    SaslExchange ex = start(ScramHash.SHA_256, lookup());
    RfcScramClient client = new RfcScramClient(ScramHash.SHA_256, "y,,", "alice", "xyz");
    String serverFirst = challenge(step(ex, client.clientFirst()));
    String clientFinal = client.clientFinal(serverFirst, "wonderland");
    assertThat(clientFinal).startsWith("c=eSws,");
    assertThat(step(ex, clientFinal)).isInstanceOf(SaslStep.Success.class);
  }

  @Test
  void refusesChannelBinding() throws Exception {
    SaslExchange ex = start(ScramHash.SHA_256, lookup());
    SaslStep.Failure f = failure(step(ex, "p=tls-exporter,,n=alice,r=xyz"));
    assertThat(f.condition()).isEqualTo(SaslFailure.MALFORMED_REQUEST);
    assertThat(f.text()).contains("channel binding");
  }

  @Test
  void acceptsTheAccountsOwnJidAsAuthzid() throws Exception {
    SaslExchange ex = start(ScramHash.SHA_256, lookup());
    RfcScramClient client =
        new RfcScramClient(ScramHash.SHA_256, "n,a=Alice@Example.ORG,", "alice", "xyz");
    String serverFirst = challenge(step(ex, client.clientFirst()));
    assertThat(step(ex, client.clientFinal(serverFirst, "wonderland")))
        .isInstanceOf(SaslStep.Success.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "n,a=bob@example.org,n=alice,r=xyz",
        "n,a=alice@example.net,n=alice,r=xyz",
        "n,a=alice@example.org/phone,n=alice,r=xyz",
        "n,a=example.org,n=alice,r=xyz",
        "n,a=not a jid@,n=alice,r=xyz"
      })
  void refusesAnyOtherAuthzid(String clientFirst) throws Exception {
    MapLookup lookup = lookup();
    SaslStep.Failure f = failure(step(start(ScramHash.SHA_256, lookup), clientFirst));
    assertThat(f.condition()).isEqualTo(SaslFailure.INVALID_AUTHZID);
    assertThat(lookup.asked).isEmpty();
  }

  @Test
  void decodesEscapedUsernames() throws Exception {
    MapLookup lookup = lookup();
    SaslExchange ex = start(ScramHash.SHA_256, lookup);
    RfcScramClient client = new RfcScramClient(ScramHash.SHA_256, "n,,", "a,b=c", "xyz");
    assertThat(client.clientFirst()).isEqualTo("n,,n=a=2Cb=3Dc,r=xyz");
    String serverFirst = challenge(step(ex, client.clientFirst()));
    SaslStep done = step(ex, client.clientFinal(serverFirst, "wonderland"));
    assertThat(done).isInstanceOf(SaslStep.Success.class);
    assertThat(((SaslStep.Success) done).username()).isEqualTo("a,b=c");
    assertThat(lookup.asked).containsExactly("a,b=c");
  }

  @Test
  void canonicalizesUsernames() throws Exception {
    MapLookup lookup = lookup();
    SaslExchange ex = start(ScramHash.SHA_256, lookup);
    RfcScramClient client = new RfcScramClient(ScramHash.SHA_256, "n,,", "ALICE", "xyz");
    String serverFirst = challenge(step(ex, client.clientFirst()));
    SaslStep done = step(ex, client.clientFinal(serverFirst, "wonderland"));
    assertThat(((SaslStep.Success) done).username()).isEqualTo("alice");
    assertThat(lookup.asked).containsExactly("alice");
  }

  @ParameterizedTest
  @ValueSource(strings = {"n,,n=a/b,r=xyz", "n,,n=a@b,r=xyz", "n,,n=a b,r=xyz"})
  void refusesUsernamesThatCannotBeLocalparts(String clientFirst) throws Exception {
    MapLookup lookup = lookup();
    SaslStep.Failure f = failure(step(start(ScramHash.SHA_256, lookup), clientFirst));
    assertThat(f.condition()).isEqualTo(SaslFailure.NOT_AUTHORIZED);
    assertThat(lookup.asked).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "garbage",
        "n,",
        "n,,",
        "n,,n=alice",
        "n,,r=xyz,n=alice",
        "n,,n=alice,r=",
        "n,,n=,r=xyz",
        "n,,n=al=2Xice,r=xyz",
        "n,,n=alice=,r=xyz",
        "x,,n=alice,r=xyz",
        "n,b=alice,n=alice,r=xyz",
        "n,,m=ext,n=alice,r=xyz",
        "n,,n=alice,r=x\u0001z",
        "n,,n=alice,r=xyz,bad"
      })
  void malformedClientFirstMessages(String clientFirst) throws Exception {
    assertThat(failure(step(start(ScramHash.SHA_256, lookup()), clientFirst)).condition())
        .isEqualTo(SaslFailure.MALFORMED_REQUEST);
  }

  @Test
  void clientFirstMustBeUtf8() throws Exception {
    byte[] bad = {'n', ',', ',', 'n', '=', (byte) 0xC3, ',', 'r', '=', 'x'};
    assertThat(failure(step(start(ScramHash.SHA_256, lookup()), bad)).condition())
        .isEqualTo(SaslFailure.MALFORMED_REQUEST);
  }

  /** Sends a valid client-first, then the final message made by {@code tamper}. */
  private static SaslStep.Failure finalFailure(UnaryOperator<String> tamper) throws Exception {
    SaslExchange ex = start(ScramHash.SHA_256, lookup());
    RfcScramClient client = new RfcScramClient(ScramHash.SHA_256, "n,,", "alice", "xyz");
    String serverFirst = challenge(step(ex, client.clientFirst()));
    return failure(step(ex, tamper.apply(client.clientFinal(serverFirst, "wonderland"))));
  }

  @Test
  void malformedClientFinalMessages() throws Exception {
    assertThat(finalFailure(m -> m.substring(0, m.indexOf(",p="))).condition())
        .isEqualTo(SaslFailure.MALFORMED_REQUEST);
    assertThat(finalFailure(m -> m.substring(0, m.indexOf(",p=")) + ",p=***").condition())
        .isEqualTo(SaslFailure.MALFORMED_REQUEST);
    assertThat(finalFailure(m -> m.substring(0, m.indexOf(",p=")) + ",p=AAAA").condition())
        .isEqualTo(SaslFailure.MALFORMED_REQUEST);
    assertThat(finalFailure(m -> m.substring(m.indexOf(",r=") + 1)).condition())
        .isEqualTo(SaslFailure.MALFORMED_REQUEST);
    assertThat(finalFailure(m -> "").condition()).isEqualTo(SaslFailure.MALFORMED_REQUEST);
  }

  @Test
  void tamperedChannelBindingOrNonceIsNotAuthorized() throws Exception {
    assertThat(finalFailure(m -> m.replace("c=biws,", "c=eSws,")).condition())
        .isEqualTo(SaslFailure.NOT_AUTHORIZED);
    assertThat(finalFailure(m -> m.replace(",r=xyz", ",r=xyZ")).condition())
        .isEqualTo(SaslFailure.NOT_AUTHORIZED);
  }

  @Test
  void aFailingLookupIsATemporaryFailure() throws Exception {
    CredentialLookup failing =
        username -> CompletableFuture.failedFuture(new IllegalStateException("db down"));
    assertThat(failure(step(start(ScramHash.SHA_256, failing), "n,,n=alice,r=xyz")).condition())
        .isEqualTo(SaslFailure.TEMPORARY_AUTH_FAILURE);
    CredentialLookup throwing =
        username -> {
          throw new IllegalStateException("db down");
        };
    assertThat(failure(step(start(ScramHash.SHA_256, throwing), "n,,n=alice,r=xyz")).condition())
        .isEqualTo(SaslFailure.TEMPORARY_AUTH_FAILURE);
  }

  @Test
  void anExchangeIsOverAfterItsOutcome() throws Exception {
    SaslExchange ex = start(ScramHash.SHA_256, lookup());
    RfcScramClient client = new RfcScramClient(ScramHash.SHA_256, "n,,", "alice", "xyz");
    String serverFirst = challenge(step(ex, client.clientFirst()));
    String clientFinal = client.clientFinal(serverFirst, "wonderland");
    assertThat(step(ex, clientFinal)).isInstanceOf(SaslStep.Success.class);
    assertThat(failure(step(ex, clientFinal)).condition()).isEqualTo(SaslFailure.MALFORMED_REQUEST);
  }

  @Test
  void serverNoncesAreFreshAndExtendTheClientNonce() throws Exception {
    String a = attr(challenge(step(start(ScramHash.SHA_1, lookup()), "n,,n=alice,r=xyz")), 'r');
    String b = attr(challenge(step(start(ScramHash.SHA_1, lookup()), "n,,n=alice,r=xyz")), 'r');
    assertThat(a).startsWith("xyz").hasSizeGreaterThan(3 + 16).isNotEqualTo(b);
  }

  @Test
  void mechanismNames() {
    assertThat(new ScramMechanism(ScramHash.SHA_1).name()).isEqualTo("SCRAM-SHA-1");
    assertThat(new ScramMechanism(ScramHash.SHA_256).name()).isEqualTo("SCRAM-SHA-256");
    assertThat(ScramHash.SHA_256.keyLength()).isEqualTo(32);
    assertThat(ScramHash.SHA_1.keyLength()).isEqualTo(20);
  }
}
