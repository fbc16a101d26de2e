package dev.switchboard.bench.load;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.switchboard.server.auth.ScramHash;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client side of SCRAM (RFC 5802, RFC 7677) without channel binding ({@code n,,}). The PBKDF2
 * in {@link #clientFinal} costs a millisecond the first time an account logs in, so callers run it
 * off the event loop.
 */
final class ScramClient {
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * SaltedPassword by hash, iteration count, salt and password. Real clients keep these keys
   * between logins (RFC 5802 section 5.1 lets them), so a client that has logged in once does not
   * derive PBKDF2 again; a storm of returning users costs the generator no PBKDF2 either. An entry
   * is about 150 bytes.
   */
  private static final Map<String, byte[]> SALTED = new ConcurrentHashMap<>();

  private final ScramHash hash;
  private final String password;
  private final String clientFirstBare;
  private final String nonce;
  private byte[] expectedServerSignature;

  ScramClient(ScramHash hash, String user, String password) {
    this.hash = hash;
    this.password = password;
    byte[] n = new byte[18];
    RANDOM.nextBytes(n);
    this.nonce = Base64.getEncoder().encodeToString(n);
    this.clientFirstBare = "n=" + saslName(user) + ",r=" + nonce;
  }

  static ScramHash hashOf(String mechanism) {
    for (ScramHash h : ScramHash.values()) {
      if (h.mechanismName().equals(mechanism)) {
        return h;
      }
    }
    throw new IllegalArgumentException("unknown mechanism " + mechanism);
  }

  String clientFirst() {
    return "n,," + clientFirstBare;
  }

  /** The client-final-message for the server-first-message; computes the proof. */
  synchronized String clientFinal(String serverFirst) {
    String r = null;
    String s = null;
    int i = 0;
    for (String part : serverFirst.split(",")) {
      if (part.startsWith("r=")) {
        r = part.substring(2);
      } else if (part.startsWith("s=")) {
        s = part.substring(2);
      } else if (part.startsWith("i=")) {
        i = Integer.parseInt(part.substring(2));
      }
    }
    if (r == null || s == null || i < 1 || !r.startsWith(nonce)) {
      throw new IllegalArgumentException("bad server-first-message " + serverFirst);
    }
    String saltS = s;
    int rounds = i;
    byte[] salted =
        SALTED.computeIfAbsent(
            hash.name() + ' ' + rounds + ' ' + saltS + ' ' + password,
            k -> hash.hi(password, Base64.getDecoder().decode(saltS), rounds));
    byte[] clientKey = hash.hmac(salted, "Client Key".getBytes(UTF_8));
    byte[] storedKey = hash.digest(clientKey);
    String withoutProof = "c=biws,r=" + r;
    byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(UTF_8);
    byte[] signature = hash.hmac(storedKey, authMessage);
    byte[] proof = new byte[clientKey.length];
    for (int k = 0; k < proof.length; k++) {
      proof[k] = (byte) (clientKey[k] ^ signature[k]);
    }
    byte[] serverKey = hash.hmac(salted, "Server Key".getBytes(UTF_8));
    expectedServerSignature = hash.hmac(serverKey, authMessage);
    return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
  }

  /** Whether the server-final-message carries the server signature we expect. */
  synchronized boolean verifyServerFinal(String serverFinal) {
    if (expectedServerSignature == null || !serverFinal.startsWith("v=")) {
      return false;
    }
    byte[] v = Base64.getDecoder().decode(serverFinal.substring(2).split(",")[0]);
    return MessageDigest.isEqual(v, expectedServerSignature);
  }

  private static String saslName(String user) {
    return user.replace("=", "=3D").replace(",", "=2C");
  }
}
