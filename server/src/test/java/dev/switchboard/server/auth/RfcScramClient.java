package dev.switchboard.server.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client side of SCRAM, written from the formulas of RFC 5802 section 3 with plain JCA calls
 * (its own Hi loop, no server code), to check the server against an independent computation.
 */
final class RfcScramClient {
  private final String hmac;
  private final String digest;
  private final String gs2Header;
  private final String clientFirstBare;
  private byte[] saltedPassword;
  private String authMessage;

  RfcScramClient(ScramHash hash, String gs2Header, String username, String clientNonce) {
    this.hmac = hash == ScramHash.SHA_1 ? "HmacSHA1" : "HmacSHA256";
    this.digest = hash == ScramHash.SHA_1 ? "SHA-1" : "SHA-256";
    this.gs2Header = gs2Header;
    this.clientFirstBare =
        "n=" + username.replace("=", "=3D").replace(",", "=2C") + ",r=" + clientNonce;
  }

  String clientFirst() {
    return gs2Header + clientFirstBare;
  }

  /** client-final-message for the given server-first-message and password. */
  String clientFinal(String serverFirst, String password) throws Exception {
    Map<Character, String> attrs = new HashMap<>();
    for (String a : serverFirst.split(",")) {
      attrs.put(a.charAt(0), a.substring(2));
    }
    saltedPassword =
        hi(
            password.getBytes(UTF_8),
            Base64.getDecoder().decode(attrs.get('s')),
            Integer.parseInt(attrs.get('i')));
    byte[] clientKey = hmac(saltedPassword, "Client Key".getBytes(UTF_8));
    byte[] storedKey = MessageDigest.getInstance(digest).digest(clientKey);
    String withoutProof =
        "c="
            + Base64.getEncoder().encodeToString(gs2Header.getBytes(UTF_8))
            + ",r="
            + attrs.get('r');
    authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
    byte[] clientSignature = hmac(storedKey, authMessage.getBytes(UTF_8));
    byte[] proof = new byte[clientKey.length];
    for (int i = 0; i < proof.length; i++) {
      proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
    }
    return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
  }

  /** The server-final-message a genuine server must send. */
  String expectedServerFinal() throws Exception {
    byte[] serverKey = hmac(saltedPassword, "Server Key".getBytes(UTF_8));
    return "v=" + Base64.getEncoder().encodeToString(hmac(serverKey, authMessage.getBytes(UTF_8)));
  }

  /** Hi(str, salt, i): U1 = HMAC(str, salt + INT(1)), Ui = HMAC(str, Ui-1), XORed together. */
  private byte[] hi(byte[] str, byte[] salt, int iterations) throws Exception {
    byte[] first = new byte[salt.length + 4];
    System.arraycopy(salt, 0, first, 0, salt.length);
    first[first.length - 1] = 1;
    byte[] u = hmac(str, first);
    byte[] result = u.clone();
    for (int n = 1; n < iterations; n++) {
      u = hmac(str, u);
      for (int k = 0; k < result.length; k++) {
        result[k] ^= u[k];
      }
    }
    return result;
  }

  private byte[] hmac(byte[] key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance(hmac);
    mac.init(new SecretKeySpec(key, hmac));
    return mac.doFinal(data);
  }
}
