package dev.switchboard.server.user;

import dev.switchboard.server.cluster.SessionRegistry;
import dev.switchboard.server.config.ServerConfig.ConflictPolicy;
import dev.switchboard.server.delivery.ClientInbox;
import dev.switchboard.server.hook.Hooks;
import dev.switchboard.server.user.UserActor.BindResult;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.Namespaces;
import dev.switchboard.xmpp.StanzaErrorCondition;
import dev.switchboard.xmpp.StreamErrorCondition;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * An account's bound sessions as its owner keeps them: binding a resource under the conflict
 * policy, taking back sessions an earlier incarnation of the owner had (after a crash or a move),
 * ending them however they go (cleanly, by crash, with their node), and the account's deletion.
 */
final class AccountSessions {
  /** How long stanzas wait for the sessions an earlier owner knew to register again. */
  static final Duration REBIND_WAIT = Duration.ofSeconds(5);

  private static final Duration FAREWELL_GRACE = Duration.ofMillis(300);

  private final Account account;
  private final UserServices services;
  private final Hooks hooks;
  private final ActorContext<UserActor.Command> ctx;

  /** Resources on live nodes that an earlier owner knew; stanzas wait until they are back. */
  private final Set<String> awaitingRebind = new HashSet<>();

  /** Resources of dead nodes already ended here (the reaper repeats itself until they are gone). */
  private final Set<String> reaped = new HashSet<>();

  AccountSessions(
      Account account, UserServices services, Hooks hooks, ActorContext<UserActor.Command> ctx) {
    this.account = account;
    this.services = services;
    this.hooks = hooks;
    this.ctx = ctx;
  }

  /**
   * Sessions on live nodes that an earlier incarnation of this owner knew (it died with its node,
   * or moved) register again soon; until they do, stanzas for the account wait, so that nothing
   * meant for them goes astray. True when there are such sessions.
   */
  boolean expectRebinds(List<SessionRegistry.Recorded> recorded) {
    Set<String> live = services.liveNodes().get();
    for (SessionRegistry.Recorded r : recorded) {
      if (live.contains(r.node())) {
        awaitingRebind.add(r.resource());
      }
    }
    return !awaitingRebind.isEmpty();
  }

  /** Whether stanzas must wait for sessions to register again. */
  boolean awaitingRebind() {
    return !awaitingRebind.isEmpty();
  }

  /** The wait is over, whoever came back. */
  void stopWaiting() {
    awaitingRebind.clear();
  }

  boolean isEmpty() {
    return account.sessions().isEmpty();
  }

  // ---- binding ----

  void bind(UserActor.Bind b) {
    if (!account.exists()) {
      b.replyTo().tell(new BindResult.Refused(StanzaErrorCondition.NOT_AUTHORIZED));
      return;
    }
    String resource = b.requestedResource();
    if (resource == null) {
      resource = newResource();
    }
    Jid full;
    try {
      full = account.jid().withResource(resource);
    } catch (Jid.InvalidJidException e) {
      b.replyTo().tell(new BindResult.Refused(StanzaErrorCondition.BAD_REQUEST));
      return;
    }
    if (takeResource(full.resource(), b.replyTo())) {
      register(new SessionEntry(full, b.session(), null, false, b.node()), b.replyTo());
    }
  }

  /**
   * Takes back a session that was bound to an earlier incarnation of this owner. It is assumed to
   * have fetched the roster (most clients do), so it keeps getting roster pushes. True when that
   * was the last session the owner was waiting for.
   */
  boolean rebind(UserActor.Rebind r) {
    SessionEntry current = account.session(r.jid().resource()).orElse(null);
    if (current != null && current.session().equals(r.session())) {
      r.replyTo().tell(new BindResult.Bound(r.jid(), ctx.getSelf()));
    } else if (!account.exists()) {
      r.replyTo().tell(new BindResult.Refused(StanzaErrorCondition.NOT_AUTHORIZED));
    } else if (takeResource(r.jid().resource(), r.replyTo())) {
      SessionEntry entry = new SessionEntry(r.jid(), r.session(), r.presence(), true, r.node());
      register(entry, r.replyTo());
      Map<String, String> kept = r.kept() == null ? Map.of() : r.kept();
      hooks.run(
          AccountHooks.SESSION_REBOUND, new AccountHooks.SessionRebound(account, entry, kept));
    }
    return awaitingRebind.remove(r.jid().resource()) && awaitingRebind.isEmpty();
  }

  /** Frees a bound resource for a new session under the conflict policy; false if refused. */
  private boolean takeResource(String resource, ActorRef<BindResult> replyTo) {
    SessionEntry old = account.session(resource).orElse(null);
    if (old == null) {
      return true;
    }
    if (services.conflictPolicy() == ConflictPolicy.REJECT) {
      replyTo.tell(new BindResult.Refused(StanzaErrorCondition.CONFLICT));
      return false;
    }
    old.session()
        .tell(new ClientInbox.Terminate(StreamErrorCondition.CONFLICT, "replaced by a new login"));
    ended(old.resource(), old.session(), null);
    return true;
  }

  private void register(SessionEntry entry, ActorRef<BindResult> replyTo) {
    account.add(entry);
    listLocally();
    services.registry().bound(entry.jid(), entry.node());
    ctx.watchWith(entry.session(), new UserActor.SessionGone(entry.resource(), entry.session()));
    replyTo.tell(new BindResult.Bound(entry.jid(), ctx.getSelf()));
  }

  private String newResource() {
    String r;
    do {
      r = "sb-" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    } while (account.session(r).isPresent());
    return r;
  }

  /** Listed for direct routing while a session is bound here (see {@link LocalOwners}). */
  private void listLocally() {
    services.localOwners().listed(account.jid(), ctx.getSelf(), !isEmpty());
  }

  // ---- ending ----

  /** A session ended, cleanly or not; nothing happens if it was already replaced or removed. */
  void ended(String resource, ActorRef<ClientInbox> session, Element finalPresence) {
    SessionEntry e = account.session(resource).orElse(null);
    if (e == null || !e.session().equals(session)) {
      return;
    }
    account.remove(resource);
    listLocally();
    ctx.unwatch(session);
    services.registry().ended(e.jid(), e.node());
    hooks.run(AccountHooks.SESSION_ENDED, new AccountHooks.SessionEnded(account, e, finalPresence));
  }

  /**
   * A cluster node died with these of the account's resources on it: they end as if their sessions
   * had closed. True when that was the last session the owner was waiting for.
   */
  boolean nodeGone(UserActor.NodeGone g) {
    for (String resource : g.resources()) {
      SessionEntry known = account.session(resource).orElse(null);
      if (known != null && g.node().equals(known.node())) {
        ended(resource, known.session(), null);
      } else if (known == null && reaped.add(g.node() + "/" + resource)) {
        // this incarnation never knew it (the previous one died with the node): the contacts
        // saw it available, so they hear it go
        SessionEntry ghost =
            new SessionEntry(
                account.jid().withResource(resource),
                null,
                Element.of("presence", Namespaces.CLIENT),
                false,
                g.node());
        hooks.run(AccountHooks.SESSION_ENDED, new AccountHooks.SessionEnded(account, ghost, null));
        services.registry().ended(ghost.jid(), g.node());
      }
    }
    return awaitingRebind.removeAll(g.resources()) && awaitingRebind.isEmpty();
  }

  /** Passes an administrative command to one bound session. */
  void control(UserActor.Control c) {
    account.session(c.resource()).ifPresent(e -> e.session().tell(c.command()));
  }

  /**
   * The account was deleted: its contacts see its resources go and its subscriptions end (RFC 6121
   * 2.5.2), the modules forget it, and every session ends with not-authorized.
   */
  void accountDeleted() {
    List<SessionEntry> all = List.copyOf(account.sessions());
    for (SessionEntry s : all) {
      hooks.run(AccountHooks.SESSION_ENDED, new AccountHooks.SessionEnded(account, s, null));
    }
    hooks.run(AccountHooks.ACCOUNT_DELETED, new AccountHooks.AccountDeleted(account));
    account.exists(false);
    for (SessionEntry s : all) {
      ctx.unwatch(s.session());
      // a moment's grace so that clients read the result before the stream error (Smack, for
      // one, otherwise reports the connection error to the waiting request)
      ctx.scheduleOnce(
          FAREWELL_GRACE,
          s.session(),
          new ClientInbox.Terminate(StreamErrorCondition.NOT_AUTHORIZED, "account deleted"));
    }
    account.clear();
    listLocally();
  }
}
