package dev.switchboard.server.user;

import dev.switchboard.server.delivery.ClientInbox;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * One bound resource of an account, as its user actor sees it.
 *
 * @param jid the full JID
 * @param session the session actor
 * @param presence the last available presence broadcast from it, or null while unavailable
 * @param rosterRequested whether it has fetched the roster (and so gets roster pushes)
 * @param node the cluster node the session runs on (its unique address)
 */
public record SessionEntry(
    Jid jid,
    ActorRef<ClientInbox> session,
    Element presence,
    boolean rosterRequested,
    String node) {

  public String resource() {
    return jid.resource();
  }

  public boolean available() {
    return presence != null;
  }

  /** The presence priority (RFC 6121 4.7.2.3); an unavailable resource counts as -128. */
  public int priority() {
    if (presence == null) {
      return -128;
    }
    String p = presence.childText("priority", presence.namespace());
    if (p == null) {
      return 0;
    }
    try {
      return Math.max(-128, Math.min(127, Integer.parseInt(p.strip())));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  public SessionEntry withPresence(Element p) {
    return new SessionEntry(jid, session, p, rosterRequested, node);
  }

  public SessionEntry withRosterRequested() {
    return new SessionEntry(jid, session, presence, true, node);
  }
}
