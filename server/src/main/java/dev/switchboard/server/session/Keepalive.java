package dev.switchboard.server.session;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.Namespaces;

/**
 * Keepalive (XEP-0199 from the server's side): the first quiet period of an established stream gets
 * a ping, which any live client answers; a second one in a row, or any quiet period before the
 * stream is established, ends the stream with {@code connection-timeout}.
 */
final class Keepalive {
  private boolean pingOutstanding;
  private long pings;

  /** Something arrived from the client. */
  void traffic() {
    pingOutstanding = false;
  }

  /** The connection was quiet for the idle timeout: the ping to send, or null to end the stream. */
  Element quiet(boolean established, String domain, Jid client) {
    if (!established || pingOutstanding) {
      return null;
    }
    pingOutstanding = true;
    return Element.builder("iq", Namespaces.CLIENT)
        .attr("from", domain)
        .attr("to", client.toString())
        .attr("type", "get")
        .attr("id", "keepalive-" + (++pings))
        .child("ping", "urn:xmpp:ping")
        .build();
  }
}
