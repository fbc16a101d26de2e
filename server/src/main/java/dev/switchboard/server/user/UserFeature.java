package dev.switchboard.server.user;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A feature module's part in an account's user actor: the single place where routing, presence and
 * roster decisions for that account are made. Methods run on the actor's thread.
 */
public interface UserFeature {
  /**
   * Loads per-account state when the actor starts (off the actor's thread); the returned action
   * installs it on the actor's thread. The actor holds other work until every feature has loaded.
   */
  default CompletionStage<Consumer<UserContext>> load(Jid account) {
    return CompletableFuture.completedFuture(ctx -> {});
  }

  /** A stanza addressed to this account (bare or full JID); true when handled. */
  default boolean incoming(UserContext ctx, Element stanza) {
    return false;
  }

  /**
   * A stanza from one of this account's own sessions that the owner must process; true if handled.
   */
  default boolean outgoing(UserContext ctx, SessionEntry from, Element stanza) {
    return false;
  }

  /**
   * A session ended, cleanly or not; {@code ended} is its entry as it was, {@code finalPresence}
   * the unavailable presence it sent on closing, or null.
   */
  default void sessionEnded(UserContext ctx, SessionEntry ended, Element finalPresence) {}

  /**
   * A message one of this account's sessions sends, before it is routed. Add writes that must be
   * durable first (the sender's archive copy). Returns the message to route, or null to drop it
   * (for example a resend already archived).
   */
  default Element sending(UserContext ctx, SessionEntry from, Element message, Durable durable) {
    return message;
  }

  /**
   * A message for this account, before delivery: add writes that must be durable first (the archive
   * copy) and return the message as it should be delivered (e.g. with a stanza-id).
   */
  default Element receiving(UserContext ctx, Element message, Durable durable) {
    return message;
  }

  /** A message was delivered to these sessions of the account (carbons copy it to the others). */
  default void delivered(UserContext ctx, Element message, List<SessionEntry> to) {}

  /**
   * A message found no available resource: true when the feature takes it, adding the write that
   * stores it (offline storage). Otherwise the sender gets service-unavailable.
   */
  default boolean undeliverable(UserContext ctx, Element message, Durable durable) {
    return false;
  }

  /**
   * A session became available: stored messages to give it before anything else, in order. Their
   * receipts come back through {@link #acknowledged} once the client has them.
   */
  default CompletionStage<List<Delivery>> pending(UserContext ctx, SessionEntry session) {
    return CompletableFuture.completedFuture(List.of());
  }

  /** The account was deleted; its sessions have ended (see {@link #sessionEnded}). */
  default void accountDeleted(UserContext ctx) {}

  /**
   * A session registered again with this (new) owner, handing back what features asked it to keep
   * with {@link UserContext#keepForRebind}.
   */
  default void rebound(UserContext ctx, SessionEntry session, Map<String, String> kept) {}

  /** The client acknowledged deliveries that carried these receipts. */
  default void acknowledged(UserContext ctx, List<String> receipts) {}
}
