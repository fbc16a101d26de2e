package dev.switchboard.server.user;

import dev.switchboard.server.delivery.Delivery;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * What a module may do inside an account's owner actor (see {@link AccountHooks}). Every call
 * happens on the actor's thread, so feature state needs no locking.
 */
public interface UserContext {
  /** The account's bare JID. */
  Jid jid();

  /** Whether the account exists (a user actor also runs for addresses with no account). */
  boolean exists();

  Collection<SessionEntry> sessions();

  Optional<SessionEntry> session(String resource);

  /** Replaces the entry of the session with the same resource. */
  void update(SessionEntry entry);

  /** Writes a stanza to one of this account's sessions. */
  void deliver(SessionEntry to, Element stanza);

  /**
   * Asks a session to keep per-session state of a feature and hand it back when it registers with a
   * new owner (after a node failure or a move); {@code value} null forgets the key. See {@link
   * AccountHooks.SessionRebound}.
   */
  void keepForRebind(SessionEntry session, String key, String value);

  /**
   * Writes a stored stanza to a session; its stored key comes back ({@link
   * AccountHooks.StoredAcknowledged}) once the client has acknowledged it.
   */
  void deliver(SessionEntry to, Delivery delivery);

  /** Sends a stanza on through the router (to another account, the server or a remote domain). */
  void route(Element stanza);

  <T> T get(StateKey<T> key);

  <T> void put(StateKey<T> key, T value);

  /**
   * Waits for I/O without blocking: every other message to this account waits until {@code io}
   * completes and {@code then} has run on the actor's thread. Keeps per-account order intact.
   */
  <T> void await(CompletionStage<T> io, BiConsumer<T, Throwable> then);
}
