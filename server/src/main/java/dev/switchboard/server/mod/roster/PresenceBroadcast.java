package dev.switchboard.server.mod.roster;

import dev.switchboard.server.user.SessionEntry;
import dev.switchboard.server.user.UserContext;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.Namespaces;

/** Sending an account's presence to one contact, shared by subscription and presence handling. */
final class PresenceBroadcast {
  private PresenceBroadcast() {}

  /** The current presence of every available resource, to a contact just granted a subscription. */
  static void currentTo(UserContext ctx, Jid contact) {
    for (SessionEntry s : ctx.sessions()) {
      if (s.available()) {
        ctx.route(addressed(s.presence(), s.jid(), contact));
      }
    }
  }

  /** Unavailable presence from every available resource, to a contact whose subscription ended. */
  static void unavailableTo(UserContext ctx, Jid contact) {
    for (SessionEntry s : ctx.sessions()) {
      if (s.available()) {
        ctx.route(unavailable(s.jid(), contact));
      }
    }
  }

  static Element addressed(Element presence, Jid from, Jid to) {
    return presence.withFrom(from).withTo(to);
  }

  static Element unavailable(Jid from, Jid to) {
    return Element.builder("presence", Namespaces.CLIENT)
        .attr("from", from.toString())
        .attr("to", to.toString())
        .attr("type", "unavailable")
        .build();
  }
}
