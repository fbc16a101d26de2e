package dev.switchboard.bench.jmh;

import java.nio.charset.StandardCharsets;

/** A typical mix of client stanzas, as a stream's bytes, for the microbenchmarks. */
final class Stanzas {
  static final String HEADER =
      "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
          + " xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";

  /** A chat message as clients send it: body, a chat state and a receipt request. */
  static final String MESSAGE =
      "<message to='juliet@localhost' type='chat' id='a81b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'>"
          + "<body>Art thou not Romeo, and a Montague? &lt;3</body>"
          + "<active xmlns='http://jabber.org/protocol/chatstates'/>"
          + "<request xmlns='urn:xmpp:receipts'/></message>";

  static final String PRESENCE =
      "<presence><show>away</show><status>In a meeting</status><priority>5</priority>"
          + "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://gajim.org'"
          + " ver='Ixs2/k9iMhJNhsldq1RHOh2vo9w='/></presence>";

  static final String IQ =
      "<iq type='get' id='ping-17' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>";

  /** Per 10 stanzas: 7 messages, 2 presences, 1 IQ. */
  static final int PER_BLOCK = 10;

  static byte[] stream(int blocks) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < blocks; i++) {
      for (int m = 0; m < 7; m++) {
        sb.append(MESSAGE);
      }
      sb.append(PRESENCE).append(IQ).append(PRESENCE);
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private Stanzas() {}
}
