package dev.switchboard.server.mod.mam;

import dev.switchboard.server.delivery.DurableWrites;
import dev.switchboard.server.mod.roster.RosterModule;
import dev.switchboard.server.user.UserContext;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.MessageHints;
import java.time.Instant;

/**
 * Archives every 1:1 message for both parties as it is routed: the sender's copy before it leaves
 * the sender's owner actor, the recipient's before delivery. Both writes join the group commit, so
 * a message is confirmed only once it is in the archives. The recipient's copy gets a XEP-0359
 * stanza-id, in archive order; stanza-ids claiming to be ours that arrive from outside are removed
 * first, as XEP-0359 asks. Each copy is kept with the message's resend key: a copy that arrives
 * again (a client resending after a lost acknowledgement, a session resending after a node failed)
 * finds its key in the recipient's archive and is confirmed without being delivered twice.
 */
final class MessageArchiver {
  static final String SID = "urn:xmpp:sid:0";

  private final ArchiveStore store;
  private final StanzaIds ids;

  MessageArchiver(ArchiveStore store, StanzaIds ids) {
    this.store = store;
    this.ids = ids;
  }

  /** Chat and normal messages with content, not marked for no permanent storage. */
  static boolean archivable(Element m) {
    return MessageHints.storable(m)
        && !MessageHints.noPermanentStore(m)
        && !m.hasChild("result", MamModule.NS)
        && m.childIn("urn:xmpp:carbons:2") == null;
  }

  private static boolean archives(UserContext ctx, Jid with) {
    return MamModule.prefs(ctx).archives(with, RosterModule.inRoster(ctx, with));
  }

  /** The sender's copy, written before the message leaves the sender's owner. */
  void sending(UserContext ctx, Element message, DurableWrites durable) {
    Jid to = message.toJid();
    if (to == null || !archivable(message)) {
      return;
    }
    Jid with = to.toBare();
    Jid owner = ctx.jid();
    if (!archives(ctx, with)) {
      return;
    }
    String originId = durable.resendKey();
    ArchivedMessage row =
        new ArchivedMessage(ids.next(), owner, with, true, Instant.now(), originId, message);
    durable.add(c -> store.appendIfNew(c, row));
  }

  /** The recipient's copy, written before delivery; returns the message with its stanza-id. */
  Element receiving(UserContext ctx, Element message, DurableWrites durable) {
    Jid owner = ctx.jid();
    Element clean =
        message.withoutChildren(
            e -> e.is("stanza-id", SID) && owner.toString().equals(e.attr("by")));
    Jid from = clean.fromJid();
    if (from == null || !archivable(clean) || !archives(ctx, from.toBare())) {
      return clean;
    }
    String id = ids.next();
    String originId = durable.resendKey();
    Jid with = from.toBare();
    ArchivedMessage row =
        new ArchivedMessage(id, owner, with, false, Instant.now(), originId, clean);
    durable.add(
        c -> {
          if (!store.appendIfNew(c, row)) {
            durable.duplicate(); // already here: confirmed, not delivered twice
          }
        });
    return clean.withChild(
        Element.builder("stanza-id", SID).attr("id", id).attr("by", owner.toString()).build());
  }
}
