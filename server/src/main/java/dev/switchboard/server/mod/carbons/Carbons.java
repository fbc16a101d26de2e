package dev.switchboard.server.mod.carbons;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.MessageHints;
import dev.switchboard.xmpp.Namespaces;

/** Which messages XEP-0280 copies (its section 6), and what a copy looks like. */
final class Carbons {
  static final String NS = "urn:xmpp:carbons:2";
  static final String FORWARD = "urn:xmpp:forward:0";
  private static final String RECEIPTS = "urn:xmpp:receipts";
  private static final String MARKERS = "urn:xmpp:chat-markers:0";
  private static final String CHAT_STATES = "http://jabber.org/protocol/chatstates";
  private static final String MUC_USER = "http://jabber.org/protocol/muc#user";
  private static final String MAM = "urn:xmpp:mam:2";

  private Carbons() {}

  /**
   * Whether a message is copied: of type chat, or normal with a body or another payload used in
   * one-to-one chat (receipts, chat markers, chat states, encrypted content); never error,
   * groupchat or headline, never with {@code <private/>} or XEP-0334 {@code <no-copy/>}, never a
   * carbon or an archive result itself, and never a private message from a chat room.
   */
  static boolean eligible(Element m) {
    String type = m.attr("type") == null ? "normal" : m.attr("type");
    if (!type.equals("chat") && !type.equals("normal")) {
      return false;
    }
    if (m.hasChild("private", NS) || MessageHints.noCopy(m)) {
      return false;
    }
    if (m.hasChild("sent", NS) || m.hasChild("received", NS) || m.hasChild("result", MAM)) {
      return false;
    }
    if (m.hasChild("x", MUC_USER)) {
      return false;
    }
    if (type.equals("chat") || MessageHints.hasContent(m)) {
      return true;
    }
    return m.childIn(RECEIPTS) != null
        || m.childIn(MARKERS) != null
        || m.childIn(CHAT_STATES) != null;
  }

  /**
   * The copy for one resource: {@code <message from=account to=resource type=same><direction
   * xmlns=carbons><forwarded xmlns=forward>original</forwarded></direction></message>}.
   */
  static Element copy(String direction, Jid account, Jid to, Element original) {
    return Element.builder("message", Namespaces.CLIENT)
        .attr("from", account.toString())
        .attr("to", to.toString())
        .attr("type", original.attr("type"))
        .child(
            Element.builder(direction, NS)
                .child(Element.builder("forwarded", FORWARD).child(original).build())
                .build())
        .build();
  }
}
