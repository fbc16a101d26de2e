package dev.switchboard.server.user;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
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
   * A message for the account found no available resource; true when the feature took it (for
   * example into offline storage). Otherwise the sender gets service-unavailable.
   */
  default boolean undeliverable(UserContext ctx, Element message) {
    return false;
  }
}
