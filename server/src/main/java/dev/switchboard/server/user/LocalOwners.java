package dev.switchboard.server.user;

import dev.switchboard.xmpp.Jid;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The account owners on this node that have a session bound, by bare JID, so that the router can
 * tell them directly instead of through the shard region and the shard (two more mailboxes, and
 * every message of the node through the region's one actor: a third of the CPU of a routed chat
 * message, with the wake-ups they cause).
 *
 * <p>Only owners with a bound session are listed: those do not passivate, so a message sent to one
 * finds it alive except in the instant of a crash or a hand-over, which the sharding path does not
 * cover either between nodes (at most once). Messages are made safe for that the same way: the
 * sending session resends what is not confirmed, and {@link ArrivalOrder} keeps each session's
 * messages in order at the recipient whichever path each took.
 */
public final class LocalOwners {
  private final ConcurrentHashMap<Jid, ActorRef<UserActor.Command>> owners =
      new ConcurrentHashMap<>();

  /**
   * The local owner of {@code bareJid}, or null when it has no session here (or is elsewhere).
   * Keyed by the address itself (hash kept, canonical parts) so a routed stanza builds no string
   * here.
   */
  public ActorRef<UserActor.Command> get(Jid bareJid) {
    return owners.get(bareJid);
  }

  /** How many owners are listed. */
  public int size() {
    return owners.size();
  }

  void listed(Jid bareJid, ActorRef<UserActor.Command> owner, boolean listed) {
    if (listed) {
      owners.put(bareJid, owner);
    } else {
      owners.remove(bareJid, owner);
    }
  }
}
