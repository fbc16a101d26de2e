package dev.switchboard.server.session;

import dev.switchboard.server.delivery.ClientInbox;
import dev.switchboard.server.delivery.Delivery;
import dev.switchboard.server.user.UserActor;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * The session's link to its account's owner actor (one per account in the cluster): binding a
 * resource, registering again when the owner is replaced (a crash, a node failure, a move), and
 * what the owner must hear when the session ends. It remembers what a new owner needs: the presence
 * the session last broadcast and what features asked it to keep.
 */
final class OwnerLink {
  /** How long a rebind request may go unanswered before it is sent again (it may be lost). */
  private static final Duration REBIND_RETRY = Duration.ofSeconds(3);

  private final SessionCore core;
  private final ActorRef<UserActor.BindResult> replies;
  private final Map<String, String> keptForRebind = new LinkedHashMap<>();
  private String pendingBindId;
  private Element lastPresence;
  private Element finalPresence;

  OwnerLink(SessionCore core, ActorRef<UserActor.BindResult> replies) {
    this.core = core;
    this.replies = replies;
  }

  private SessionServices services() {
    return core.services();
  }

  /** Asks the owner of the authenticated account for a resource. */
  void bind(String requestedResource, String iqId) {
    pendingBindId = iqId;
    Jid bare = Jid.bare(core.state().username(), core.state().domain());
    services()
        .owners()
        .of(bare)
        .tell(new UserActor.Bind(requestedResource, core.self(), replies, services().nodeId()));
  }

  /** The id of the bind request being answered. */
  String pendingBindId() {
    return pendingBindId;
  }

  /** The owner answered: watch it, so that its loss is noticed. */
  void bound(UserActor.BindResult.Bound b, ActorContext<ClientInbox> ctx) {
    core.timers().cancel("rebind");
    ctx.watchWith(b.owner(), new SessionCommand.OwnerLost());
  }

  /** Keeps track of the presence the client broadcast and of its closing unavailable presence. */
  void outgoing(Element stanza) {
    if (!stanza.name().equals("presence") || stanza.attr("to") != null) {
      return;
    }
    String type = stanza.attr("type");
    if (type == null) {
      lastPresence = stanza.withAttr("from", null);
    } else if (type.equals("unavailable")) {
      lastPresence = null;
      finalPresence = stanza;
    }
  }

  /** A feature's per-session state to hand to the next owner ({@code value} null forgets it). */
  void keep(String key, String value) {
    if (value == null) {
      keptForRebind.remove(key);
    } else {
      keptForRebind.put(key, value);
    }
  }

  /** The owner stopped while the session is bound: register with its next incarnation. */
  void lost() {
    Jid jid = core.state().jid();
    if (core.closing() || jid == null) {
      return;
    }
    services()
        .owners()
        .of(jid)
        .tell(
            new UserActor.Rebind(
                jid,
                core.self(),
                lastPresence,
                replies,
                services().nodeId(),
                Map.copyOf(keptForRebind)));
    // the request may be lost on its way to a node that is itself being replaced: ask again
    // until the new owner answers
    core.timers().startSingleTimer("rebind", new SessionCommand.OwnerLost(), REBIND_RETRY);
  }

  /** Stanzas the session could not get to its client: the account decides what becomes of them. */
  void undelivered(List<Delivery> stanzas) {
    Jid jid = core.state().jid();
    if (jid != null && !stanzas.isEmpty()) {
      services().owners().of(jid).tell(new UserActor.Undelivered(stanzas));
    }
  }

  /** The client acknowledged stanzas that came from storage: their stored copies may go. */
  void storedAcknowledged(List<String> storedKeys) {
    Jid jid = core.state().jid();
    if (jid != null && !storedKeys.isEmpty()) {
      services().owners().of(jid).tell(new UserActor.Acknowledged(storedKeys));
    }
  }

  /**
   * The session ended: the owner forgets it (and broadcasts its unavailable presence), then takes
   * back what its client never acknowledged; in that order, so that the account does not hand them
   * straight back to this session.
   */
  void ended(List<Delivery> unacknowledged) {
    Jid jid = core.state().jid();
    if (jid == null) {
      return;
    }
    services()
        .owners()
        .of(jid)
        .tell(new UserActor.Unbind(jid.resource(), core.self(), finalPresence));
    undelivered(unacknowledged);
  }
}
