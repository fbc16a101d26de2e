package dev.switchboard.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.xmpp.Element;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/** A SCRAM-SHA-256 client (RFC 5802 / 7677) for scripted tests; Smack 4.4 only has SCRAM-SHA-1. */
final class ScramClient {
  private ScramClient() {}

  /** Authenticates, restarts the stream, binds; returns the bound JID. Verifies the server too. */
  static String sha256(ScriptedClient c, String user, String password) throws Exception {
    String clientFirstBare = "n=" + user + ",r=clientnonce0123456789";
    c.send(
        "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-256'>"
            + b64("n,," + clientFirstBare)
            + "</auth>");
    Element challenge = c.next();
    assertThat(challenge.name()).isEqualTo("challenge");
    String serverFirst = unb64(challenge.text());
    Map<String, String> sf = attrs(serverFirst);
    assertThat(sf.get("r")).startsWith("clientnonce0123456789");
    String withoutProof = "c=biws,r=" + sf.get("r");
    byte[] salted =
        SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
            .generateSecret(
                new PBEKeySpec(
                    password.toCharArray(),
                    Base64.getDecoder().decode(sf.get("s")),
                    Integer.parseInt(sf.get("i")),
                    256))
            .getEncoded();
    String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
    byte[] clientKey = hmac(salted, "Client Key");
    byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
    byte[] signature = hmac(storedKey, authMessage);
    byte[] proof = new byte[clientKey.length];
    for (int i = 0; i < proof.length; i++) {
      proof[i] = (byte) (clientKey[i] ^ signature[i]);
    }
    c.send(
        "<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
            + b64(withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof))
            + "</response>");
    Element success = c.next();
    assertThat(success.name()).isEqualTo("success");
    byte[] serverSignature = hmac(hmac(salted, "Server Key"), authMessage);
    assertThat(unb64(success.text()))
        .isEqualTo("v=" + Base64.getEncoder().encodeToString(serverSignature));
    c.open();
    c.send("<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>");
    Element bound = c.next();
    return bound
        .child("bind", "urn:ietf:params:xml:ns:xmpp-bind")
        .childText("jid", "urn:ietf:params:xml:ns:xmpp-bind");
  }

  private static Map<String, String> attrs(String msg) {
    Map<String, String> m = new HashMap<>();
    for (String part : msg.split(",")) {
      m.put(part.substring(0, 1), part.substring(2));
    }
    return m;
  }

  private static byte[] hmac(byte[] key, String data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String unb64(String s) {
    return new String(Base64.getDecoder().decode(s.strip()), StandardCharsets.UTF_8);
  }
}
