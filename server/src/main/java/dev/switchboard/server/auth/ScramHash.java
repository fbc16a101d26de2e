package dev.switchboard.server.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.DigestException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The hash functions SCRAM is offered with (RFC 5802 SCRAM-SHA-1, RFC 7677 SCRAM-SHA-256). */
public enum ScramHash {
  SHA_1("SCRAM-SHA-1", "HmacSHA1", "SHA-1", 20),
  SHA_256("SCRAM-SHA-256", "HmacSHA256", "SHA-256", 32);

  /** The block size of SHA-1 and SHA-256, which HMAC pads its key to. */
  private static final int HMAC_BLOCK = 64;

  /** INT(1): the big-endian block index PBKDF2 appends to the salt for its first block. */
  private static final byte[] FIRST_BLOCK = {0, 0, 0, 1};

  private final String mechanismName;
  private final String hmacAlgorithm;
  private final String digestAlgorithm;
  private final int keyLength;

  ScramHash(String mechanismName, String hmacAlgorithm, String digestAlgorithm, int keyLength) {
    this.mechanismName = mechanismName;
    this.hmacAlgorithm = hmacAlgorithm;
    this.digestAlgorithm = digestAlgorithm;
    this.keyLength = keyLength;
  }

  /** The SASL mechanism name, such as "SCRAM-SHA-256". */
  public String mechanismName() {
    return mechanismName;
  }

  /** The JCA name of HMAC with this hash. */
  public String hmacAlgorithm() {
    return hmacAlgorithm;
  }

  /** The JCA name of the bare hash. */
  public String digestAlgorithm() {
    return digestAlgorithm;
  }

  /** The length in bytes of the hash output, and so of every SCRAM key and proof. */
  public int keyLength() {
    return keyLength;
  }

  /** HMAC(key, data). */
  public byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance(hmacAlgorithm);
      mac.init(new SecretKeySpec(key, hmacAlgorithm));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(hmacAlgorithm + " is not available", e);
    }
  }

  /** H(data). */
  public byte[] digest(byte[] data) {
    try {
      return MessageDigest.getInstance(digestAlgorithm).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(digestAlgorithm + " is not available", e);
    }
  }

  /**
   * Hi(password, salt, i) of RFC 5802: PBKDF2 with this HMAC and one output block, the password
   * encoded as UTF-8.
   *
   * <p>Written out rather than taken from {@code SecretKeyFactory}: the JDK's HMAC hashes the
   * padded key again for every round, four compressions per round where two will do. Here the
   * digests of the inner and outer padded keys are computed once and cloned for each round, which
   * halves the cost of a PLAIN login's key check (see {@code HiBench}).
   */
  public byte[] hi(String preparedPassword, byte[] salt, int iterations) {
    byte[] key = preparedPassword.getBytes(UTF_8);
    if (key.length > HMAC_BLOCK) {
      key = digest(key);
    }
    byte[] pad = new byte[HMAC_BLOCK];
    MessageDigest inner = newDigest();
    MessageDigest outer = newDigest();
    for (int i = 0; i < HMAC_BLOCK; i++) {
      pad[i] = (byte) ((i < key.length ? key[i] : 0) ^ 0x36);
    }
    inner.update(pad);
    for (int i = 0; i < HMAC_BLOCK; i++) {
      pad[i] = (byte) ((i < key.length ? key[i] : 0) ^ 0x5c);
    }
    outer.update(pad);
    Arrays.fill(key, (byte) 0);
    Arrays.fill(pad, (byte) 0);

    byte[] u = new byte[keyLength];
    byte[] result = new byte[keyLength];
    try {
      MessageDigest d = copy(inner);
      d.update(salt);
      d.update(FIRST_BLOCK);
      d.digest(u, 0, keyLength);
      d = copy(outer);
      d.update(u);
      d.digest(u, 0, keyLength);
      System.arraycopy(u, 0, result, 0, keyLength);
      for (int round = 1; round < iterations; round++) {
        d = copy(inner);
        d.update(u);
        d.digest(u, 0, keyLength);
        d = copy(outer);
        d.update(u);
        d.digest(u, 0, keyLength);
        for (int b = 0; b < keyLength; b++) {
          result[b] ^= u[b];
        }
      }
    } catch (DigestException e) {
      throw new IllegalStateException(
          digestAlgorithm + " output is not " + keyLength + " bytes", e);
    }
    return result;
  }

  private MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance(digestAlgorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(digestAlgorithm + " is not available", e);
    }
  }

  private MessageDigest copy(MessageDigest d) {
    try {
      return (MessageDigest) d.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(digestAlgorithm + " cannot be cloned", e);
    }
  }
}
