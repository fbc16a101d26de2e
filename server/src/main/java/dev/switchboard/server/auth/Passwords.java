package dev.switchboard.server.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;

/**
 * Turns passwords into stored SCRAM credentials and checks passwords against them. A password is
 * never kept, in plain text or in any reversible form.
 */
public final class Passwords {
  /** Longest prepared password accepted, in UTF-8 bytes. */
  public static final int MAX_BYTES = 1024;

  static final int SALT_BYTES = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Passwords() {}

  /**
   * Prepares a password the way SASLprep (RFC 4013) does for the characters that matter in
   * practice: non-ASCII spaces become U+0020, characters "commonly mapped to nothing" (soft hyphen,
   * zero-width joiners, variation selectors) are removed, and the result is NFKC-normalized, so
   * that the same password typed on two keyboards gives the same keys.
   *
   * @throws IllegalArgumentException when the password is empty, holds a control character, or is
   *     longer than {@value #MAX_BYTES} bytes
   */
  public static String prepare(String password) {
    StringBuilder mapped = new StringBuilder(password.length());
    password
        .codePoints()
        .forEach(
            cp -> {
              if (mappedToNothing(cp)) {
                return;
              }
              mapped.appendCodePoint(Character.isSpaceChar(cp) ? ' ' : cp);
            });
    String prepared = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
    if (prepared.isEmpty()) {
      throw new IllegalArgumentException("empty password");
    }
    if (prepared.codePoints().anyMatch(cp -> Character.getType(cp) == Character.CONTROL)) {
      throw new IllegalArgumentException("password contains a control character");
    }
    if (prepared.getBytes(UTF_8).length > MAX_BYTES) {
      throw new IllegalArgumentException("password longer than " + MAX_BYTES + " bytes");
    }
    return prepared;
  }

  /** {@link #prepare}, or null for a password that cannot be prepared. */
  static String tryPrepare(String password) {
    try {
      return prepare(password);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  // RFC 3454 table B.1
  private static boolean mappedToNothing(int cp) {
    return cp == 0x00AD
        || cp == 0x034F
        || cp == 0x1806
        || (cp >= 0x180B && cp <= 0x180D)
        || (cp >= 0x200B && cp <= 0x200D)
        || cp == 0x2060
        || (cp >= 0xFE00 && cp <= 0xFE0F)
        || cp == 0xFEFF;
  }

  /** Derives SCRAM-SHA-1 and SCRAM-SHA-256 credentials, each with its own random 16-byte salt. */
  public static StoredCredentials derive(String password, int iterations) {
    String prepared = prepare(password);
    return new StoredCredentials(
        ScramCredential.derive(ScramHash.SHA_1, prepared, salt(), iterations),
        ScramCredential.derive(ScramHash.SHA_256, prepared, salt(), iterations));
  }

  /**
   * Whether {@code password} matches: recomputes StoredKey from the SHA-256 credential's salt and
   * iteration count and compares in constant time. A password that cannot be prepared does not
   * match.
   */
  public static boolean verify(String password, StoredCredentials credentials) {
    String prepared = tryPrepare(password);
    if (prepared == null) {
      return false;
    }
    ScramCredential stored = credentials.sha256();
    ScramCredential computed =
        ScramCredential.derive(ScramHash.SHA_256, prepared, stored.salt(), stored.iterations());
    return MessageDigest.isEqual(computed.storedKey(), stored.storedKey());
  }

  static byte[] salt() {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return salt;
  }
}
