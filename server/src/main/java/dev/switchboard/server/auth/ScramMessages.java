package dev.switchboard.server.auth;

import java.util.Base64;

/** Parsing of the messages a SCRAM client sends (RFC 5802 section 7). */
final class ScramMessages {
  private ScramMessages() {}

  /** A message that breaks the grammar; answered with {@code malformed-request}. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message);
    }
  }

  /**
   * client-first-message: the GS2 header as sent (echoed later in c=), the authzid (null when
   * absent), the decoded username, the client nonce, and client-first-message-bare as sent.
   */
  record ClientFirst(
      String gs2Header, String authzid, String username, String nonce, String bare) {}

  /** client-final-message: the channel-binding data, nonce, proof and the text before ",p=". */
  record ClientFinal(byte[] channelBinding, String nonce, byte[] proof, String withoutProof) {}

  static ClientFirst parseFirst(String m) throws Malformed {
    int flagEnd = m.indexOf(',');
    if (flagEnd < 0) {
      throw new Malformed("no GS2 header");
    }
    String flag = m.substring(0, flagEnd);
    if (flag.startsWith("p=")) {
      // only the -PLUS variants bind to the channel, and they are not offered
      throw new Malformed("channel binding is not supported");
    }
    if (!flag.equals("n") && !flag.equals("y")) {
      throw new Malformed("bad channel-binding flag");
    }
    int authzEnd = m.indexOf(',', flagEnd + 1);
    if (authzEnd < 0) {
      throw new Malformed("no GS2 header");
    }
    String authzPart = m.substring(flagEnd + 1, authzEnd);
    String authzid = authzPart.isEmpty() ? null : saslName(value(authzPart, 'a'));
    String bare = m.substring(authzEnd + 1);
    String[] attrs = bare.split(",", -1);
    if (attrs[0].startsWith("m=")) {
      throw new Malformed("mandatory extensions are not supported");
    }
    if (attrs.length < 2) {
      throw new Malformed("no username or nonce");
    }
    String username = saslName(value(attrs[0], 'n'));
    if (username.isEmpty()) {
      throw new Malformed("empty username");
    }
    String nonce = nonce(value(attrs[1], 'r'));
    checkExtensions(attrs, 2, attrs.length);
    return new ClientFirst(m.substring(0, authzEnd + 1), authzid, username, nonce, bare);
  }

  static ClientFinal parseFinal(String m) throws Malformed {
    int proofAt = m.lastIndexOf(",p=");
    if (proofAt < 0) {
      throw new Malformed("no proof");
    }
    String withoutProof = m.substring(0, proofAt);
    byte[] proof = base64(m.substring(proofAt + 3));
    String[] attrs = withoutProof.split(",", -1);
    if (attrs.length < 2) {
      throw new Malformed("no channel binding or nonce");
    }
    byte[] channelBinding = base64(value(attrs[0], 'c'));
    String nonce = nonce(value(attrs[1], 'r'));
    checkExtensions(attrs, 2, attrs.length);
    return new ClientFinal(channelBinding, nonce, proof, withoutProof);
  }

  private static String value(String attr, char name) throws Malformed {
    if (attr.length() < 2 || attr.charAt(0) != name || attr.charAt(1) != '=') {
      throw new Malformed("expected attribute " + name);
    }
    return attr.substring(2);
  }

  private static void checkExtensions(String[] attrs, int from, int to) throws Malformed {
    for (int i = from; i < to; i++) {
      String a = attrs[i];
      if (a.length() < 2 || !Character.isLetter(a.charAt(0)) || a.charAt(1) != '=') {
        throw new Malformed("bad attribute");
      }
    }
  }

  /** saslname: "=2C" stands for ',' and "=3D" for '='; any other '=' is an error. */
  private static String saslName(String s) throws Malformed {
    if (s.indexOf('=') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '=') {
        out.append(c);
      } else if (s.startsWith("2C", i + 1)) {
        out.append(',');
        i += 2;
      } else if (s.startsWith("3D", i + 1)) {
        out.append('=');
        i += 2;
      } else {
        throw new Malformed("bad escape in saslname");
      }
    }
    return out.toString();
  }

  /** printable = %x21-2B / %x2D-7E: visible ASCII except ','. */
  private static String nonce(String s) throws Malformed {
    if (s.isEmpty() || !s.chars().allMatch(c -> c >= 0x21 && c <= 0x7E && c != ',')) {
      throw new Malformed("bad nonce");
    }
    return s;
  }

  private static byte[] base64(String s) throws Malformed {
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new Malformed("bad base64");
    }
  }
}
