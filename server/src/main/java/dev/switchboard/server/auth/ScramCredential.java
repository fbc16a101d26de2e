package dev.switchboard.server.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Arrays;

/**
 * What the server keeps of a password for one SCRAM hash (RFC 5802 section 3): the salt, the
 * iteration count, StoredKey = H(ClientKey) and ServerKey. Neither key gives back the password, and
 * StoredKey alone does not let anyone authenticate.
 *
 * <p>Arrays are copied in and out so that the record stays immutable.
 */
public record ScramCredential(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {
  public ScramCredential {
    if (iterations < 1) {
      throw new IllegalArgumentException("iterations must be positive");
    }
    if (salt.length == 0) {
      throw new IllegalArgumentException("empty salt");
    }
    if (storedKey.length != serverKey.length || storedKey.length == 0) {
      throw new IllegalArgumentException("StoredKey and ServerKey must have the hash length");
    }
    salt = salt.clone();
    storedKey = storedKey.clone();
    serverKey = serverKey.clone();
  }

  /**
   * Computes the credential for an already prepared password (see {@link Passwords#prepare}) with
   * the given salt and iteration count.
   */
  public static ScramCredential derive(
      ScramHash hash, String preparedPassword, byte[] salt, int iterations) {
    byte[] salted = hash.hi(preparedPassword, salt, iterations);
    byte[] clientKey = hash.hmac(salted, "Client Key".getBytes(UTF_8));
    byte[] serverKey = hash.hmac(salted, "Server Key".getBytes(UTF_8));
    return new ScramCredential(iterations, salt, hash.digest(clientKey), serverKey);
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }

  @Override
  public byte[] storedKey() {
    return storedKey.clone();
  }

  @Override
  public byte[] serverKey() {
    return serverKey.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScramCredential c
        && iterations == c.iterations
        && Arrays.equals(salt, c.salt)
        && Arrays.equals(storedKey, c.storedKey)
        && Arrays.equals(serverKey, c.serverKey);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * iterations + Arrays.hashCode(salt)) + Arrays.hashCode(storedKey))
        + Arrays.hashCode(serverKey);
  }

  /** Leaves the keys out so that they never reach a log. */
  @Override
  public String toString() {
    return "ScramCredential[iterations=" + iterations + ", salt=" + salt.length + " bytes]";
  }
}
