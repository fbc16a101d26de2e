package dev.switchboard.server.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/** The hash functions SCRAM is offered with (RFC 5802 SCRAM-SHA-1, RFC 7677 SCRAM-SHA-256). */
public enum ScramHash {
  SHA_1("SCRAM-SHA-1", "HmacSHA1", "SHA-1", "PBKDF2WithHmacSHA1", 20),
  SHA_256("SCRAM-SHA-256", "HmacSHA256", "SHA-256", "PBKDF2WithHmacSHA256", 32);

  private final String mechanismName;
  private final String hmacAlgorithm;
  private final String digestAlgorithm;
  private final String pbkdf2Algorithm;
  private final int keyLength;

  ScramHash(
      String mechanismName,
      String hmacAlgorithm,
      String digestAlgorithm,
      String pbkdf2Algorithm,
      int keyLength) {
    this.mechanismName = mechanismName;
    this.hmacAlgorithm = hmacAlgorithm;
    this.digestAlgorithm = digestAlgorithm;
    this.pbkdf2Algorithm = pbkdf2Algorithm;
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
   * Hi(password, salt, i) of RFC 5802, which is PBKDF2 with this HMAC and one output block. The JDK
   * encodes the password characters as UTF-8, as SCRAM requires.
   */
  public byte[] hi(String preparedPassword, byte[] salt, int iterations) {
    PBEKeySpec spec =
        new PBEKeySpec(preparedPassword.toCharArray(), salt, iterations, keyLength * 8);
    try {
      return SecretKeyFactory.getInstance(pbkdf2Algorithm).generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(pbkdf2Algorithm + " is not available", e);
    } finally {
      spec.clearPassword();
    }
  }
}
