package dev.switchboard.server.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * SCRAM-SHA-1 (RFC 5802) and SCRAM-SHA-256 (RFC 7677) without channel binding: the -PLUS variants
 * are not offered, so a client asking for binding ("p=") is refused, while "y" (the client could
 * bind but thinks we cannot) is accepted.
 *
 * <p>An unknown username gets the same server-first-message as a known one, with a salt and
 * iteration count derived from the username and a secret, so that probing for accounts learns
 * nothing; the exchange then fails at the proof exactly as a wrong password does. With the default
 * per-process secret a decoy salt is stable until the server restarts; pass a persistent secret to
 * make it stable across restarts too.
 */
public final class ScramMechanism implements SaslMechanism {
  static final int DEFAULT_DECOY_ITERATIONS = 4096;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ScramHash hash;
  private final int decoyIterations;
  private final byte[] decoySecret;
  private final Supplier<String> serverNonces;

  public ScramMechanism(ScramHash hash) {
    this(hash, DEFAULT_DECOY_ITERATIONS, randomBytes(32));
  }

  /**
   * @param decoyIterations the iteration count shown for unknown users; use the one new accounts
   *     get ({@code auth.scram-iterations})
   * @param decoySecret the secret decoy salts are derived with
   */
  public ScramMechanism(ScramHash hash, int decoyIterations, byte[] decoySecret) {
    this(hash, decoyIterations, decoySecret, ScramMechanism::randomNonce);
  }

  /** For tests that replay published exchanges: the server nonce parts come from the supplier. */
  ScramMechanism(
      ScramHash hash, int decoyIterations, byte[] decoySecret, Supplier<String> serverNonces) {
    if (decoyIterations < 1 || decoySecret.length == 0) {
      throw new IllegalArgumentException("decoy iterations and secret are needed");
    }
    this.hash = hash;
    this.decoyIterations = decoyIterations;
    this.decoySecret = decoySecret.clone();
    this.serverNonces = serverNonces;
  }

  @Override
  public String name() {
    return hash.mechanismName();
  }

  @Override
  public SaslExchange start(String domain, CredentialLookup lookup) {
    return new ScramExchange(hash, domain, lookup, this::decoy, serverNonces);
  }

  /** A credential for a username that has no account, the same every time for that name. */
  ScramCredential decoy(String username) {
    byte[] seed = hash.hmac(decoySecret, (hash.name() + ':' + username).getBytes(UTF_8));
    byte[] salt = Arrays.copyOf(seed, Passwords.SALT_BYTES);
    return new ScramCredential(
        decoyIterations,
        salt,
        hash.hmac(seed, "decoy StoredKey".getBytes(UTF_8)),
        hash.hmac(seed, "decoy ServerKey".getBytes(UTF_8)));
  }

  private static String randomNonce() {
    return Base64.getEncoder().encodeToString(randomBytes(18));
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
