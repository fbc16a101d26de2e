package dev.switchboard.server.mod.mam;

import dev.switchboard.server.mod.roster.RosterModule;
import dev.switchboard.server.user.Durable;
import dev.switchboard.server.user.SessionEntry;
import dev.switchboard.server.user.UserContext;
import dev.switchboard.server.user.UserFeature;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.MessageHints;
import java.time.Instant;

/**
 * Archives every 1:1 message for both parties as it is routed: the sender's copy before it leaves
 * the sender's user actor, the recipient's before delivery. Both writes join the group commit, so a
 * message is acknowledged only once it is in the archives. The recipient's copy gets a XEP-0359
 * stanza-id, in archive order; stanza-ids claiming to be ours that arrive from outside are removed
 * first, as XEP-0359 asks. A message whose origin-id the sender's archive already holds is a resend
 * after a lost acknowledgement, and is acknowledged without being passed on again.
 */
final class MessageArchiver implements UserFeature {
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

  @Override
  public Element sending(UserContext ctx, SessionEntry from, Element message, Durable durable) {
    Jid to = message.toJid();
    if (to == null || !archivable(message)) {
      return message;
    }
    Jid with = to.toBare();
    Jid owner = ctx.jid();
    if (!archives(ctx, with)) {
      return message;
    }
    String originId = durable.key();
    ArchivedMessage row =
        new ArchivedMessage(ids.next(), owner, with, true, Instant.now(), originId, message);
    durable.add(
        c -> {
          if (originId == null || !store.contains(c, owner, with, true, originId)) {
            store.append(c, row);
          }
        });
    return message;
  }

  @Override
  public Element receiving(UserContext ctx, Element message, Durable durable) {
    Jid owner = ctx.jid();
    Element clean =
        message.withoutChildren(
            e -> e.is("stanza-id", SID) && owner.toString().equals(e.attr("by")));
    Jid from = clean.fromJid();
    if (from == null || !archivable(clean) || !archives(ctx, from.toBare())) {
      return clean;
    }
    String id = ids.next();
    String originId = durable.key();
    Jid with = from.toBare();
    ArchivedMessage row =
        new ArchivedMessage(id, owner, with, false, Instant.now(), originId, clean);
    durable.add(
        c -> {
          if (originId != null && store.contains(c, owner, with, false, originId)) {
            durable.drop(); // already here: acknowledged, not delivered twice
            return;
          }
          store.append(c, row);
        });
    return clean.withChild(
        Element.builder("stanza-id", SID).attr("id", id).attr("by", owner.toString()).build());
  }
}
