package dev.switchboard.server.delivery;

import dev.switchboard.xmpp.Element;

/**
 * What identifies a message across resends, so that a copy that arrives twice is recognised (the
 * archive keeps the key with the message and refuses a second row): the sender's XEP-0359 origin-id
 * when it gave one (a client resending after a lost acknowledgement), else the sending session and
 * its stream position (the session resending after an owner or node failed). Null when neither
 * applies.
 */
public final class ResendKey {
  private static final String SID = "urn:xmpp:sid:0";

  private ResendKey() {}

  public static String of(Element message, Confirmation confirmation) {
    Element origin = message.child("origin-id", SID);
    if (origin != null && origin.attr("id") != null) {
      return origin.attr("id");
    }
    if (confirmation != null) {
      return "sb:" + confirmation.session().path() + "#" + confirmation.seq();
    }
    return null;
  }
}
