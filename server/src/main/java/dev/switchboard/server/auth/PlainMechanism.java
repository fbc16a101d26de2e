package dev.switchboard.server.auth;

import java.nio.charset.CharacterCodingException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * SASL PLAIN (RFC 4616): {@code [authzid] NUL authcid NUL passwd}. The password is checked against
 * the stored SCRAM-SHA-256 keys by recomputing PBKDF2, which takes milliseconds, so it runs on the
 * given CPU executor and never on an actor or event-loop thread. An unknown user costs the same
 * PBKDF2 run against a decoy credential, so timing does not tell whether the account exists. A
 * password that passed lately is recognised from a {@link PlainLoginCache} without PBKDF2.
 */
public final class PlainMechanism implements SaslMechanism {
  private final Executor cpu;
  private final int decoyIterations;
  private final PlainLoginCache recent;
  private volatile StoredCredentials decoy;

  public PlainMechanism(Executor cpu) {
    this(cpu, ScramMechanism.DEFAULT_DECOY_ITERATIONS, new PlainLoginCache(0, Duration.ZERO));
  }

  /**
   * @param decoyIterations the iteration count to spend on unknown users; use the one new accounts
   *     get ({@code auth.scram-iterations})
   * @param recent passwords that passed lately, checked before PBKDF2 ({@code
   *     auth.plain-cache-size})
   */
  public PlainMechanism(Executor cpu, int decoyIterations, PlainLoginCache recent) {
    this.cpu = cpu;
    this.decoyIterations = decoyIterations;
    this.recent = recent;
  }

  @Override
  public String name() {
    return "PLAIN";
  }

  @Override
  public SaslExchange start(String domain, CredentialLookup lookup) {
    return new Exchange(domain, lookup);
  }

  private StoredCredentials decoy() {
    StoredCredentials d = decoy;
    if (d == null) {
      // computed on first need (on the CPU executor); a race computes it twice, harmlessly
      byte[] random = new byte[24];
      new SecureRandom().nextBytes(random);
      d = Passwords.derive(Base64.getEncoder().encodeToString(random), decoyIterations);
      decoy = d;
    }
    return d;
  }

  private final class Exchange implements SaslExchange {
    private final String domain;
    private final CredentialLookup lookup;
    private boolean started;

    Exchange(String domain, CredentialLookup lookup) {
      this.domain = domain;
      this.lookup = lookup;
    }

    @Override
    public CompletionStage<SaslStep> step(byte[] clientData) {
      if (started) {
        return SaslSupport.failure(SaslFailure.MALFORMED_REQUEST, "unexpected data");
      }
      if (clientData == null) {
        // no initial response: an empty challenge asks for the credentials
        return CompletableFuture.completedFuture(new SaslStep.Challenge(new byte[0]));
      }
      started = true;
      String[] parts;
      try {
        parts = SaslSupport.utf8(clientData).split("\0", -1);
      } catch (CharacterCodingException e) {
        return SaslSupport.failure(SaslFailure.MALFORMED_REQUEST, "not UTF-8");
      }
      if (parts.length != 3 || parts[1].isEmpty() || parts[2].isEmpty()) {
        return SaslSupport.failure(
            SaslFailure.MALFORMED_REQUEST, "expected [authzid] NUL authcid NUL passwd");
      }
      Optional<String> username = SaslSupport.canonicalUsername(parts[1], domain);
      if (username.isEmpty()) {
        return SaslSupport.failure(SaslFailure.NOT_AUTHORIZED, SaslSupport.AUTH_FAILED);
      }
      if (!SaslSupport.authzidAllowed(parts[0], username.get(), domain)) {
        return SaslSupport.failure(
            SaslFailure.INVALID_AUTHZID, "an account may only act as itself");
      }
      return check(username.get(), parts[2]);
    }

    private CompletionStage<SaslStep> check(String username, String password) {
      CompletionStage<Optional<StoredCredentials>> found;
      try {
        found = lookup.find(username);
      } catch (RuntimeException e) {
        return SaslSupport.failure(SaslFailure.TEMPORARY_AUTH_FAILURE, "credential lookup failed");
      }
      return found
          .handle(
              (credentials, error) ->
                  error == null
                      ? CompletableFuture.supplyAsync(
                          () -> verify(username, password, credentials), cpu)
                      : SaslSupport.failure(
                          SaslFailure.TEMPORARY_AUTH_FAILURE, "credential lookup failed"))
          .thenCompose(step -> step);
    }

    private SaslStep verify(
        String username, String password, Optional<StoredCredentials> credentials) {
      if (credentials.isEmpty()) {
        Passwords.verify(password, decoy());
        return new SaslStep.Failure(SaslFailure.NOT_AUTHORIZED, SaslSupport.AUTH_FAILED);
      }
      String account = username + '@' + domain;
      ScramCredential keys = credentials.get().sha256();
      String prepared = Passwords.tryPrepare(password);
      boolean ok =
          prepared != null
              && (recent.matches(account, prepared, keys)
                  || Passwords.verify(password, credentials.get()));
      if (!ok) {
        return new SaslStep.Failure(SaslFailure.NOT_AUTHORIZED, SaslSupport.AUTH_FAILED);
      }
      recent.passed(account, prepared, keys);
      return new SaslStep.Success(username, null);
    }
  }
}
