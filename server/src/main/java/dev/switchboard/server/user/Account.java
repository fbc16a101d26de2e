package dev.switchboard.server.user;

import dev.switchboard.server.delivery.ClientInbox;
import dev.switchboard.server.delivery.Delivery;
import dev.switchboard.server.routing.Router;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One account as its owner actor holds it: whether it exists, its bound sessions, and the modules'
 * per-account state. It is the {@link UserContext} modules see; everything runs on the owner's
 * thread.
 */
final class Account implements UserContext {
  /** How the owner actor waits for I/O without blocking (see {@link UserContext#await}). */
  interface Awaiter {
    <T> void await(CompletionStage<T> io, BiConsumer<T, Throwable> then);
  }

  private final Jid jid;
  private final Router router;
  private final Awaiter awaiter;
  private final Map<String, SessionEntry> sessions = new LinkedHashMap<>();
  private final Map<StateKey<?>, Object> state = new HashMap<>();
  private Consumer<SessionEntry> becameAvailable = s -> {};
  private boolean exists;

  Account(Jid jid, Router router, Awaiter awaiter) {
    this.jid = jid;
    this.router = router;
    this.awaiter = awaiter;
  }

  /** Who hears when a session sends its first available presence (stored messages go to it). */
  void onAvailable(Consumer<SessionEntry> listener) {
    becameAvailable = listener;
  }

  void exists(boolean value) {
    exists = value;
  }

  void add(SessionEntry entry) {
    sessions.put(entry.resource(), entry);
  }

  void remove(String resource) {
    sessions.remove(resource);
  }

  /** Forgets the sessions and every module's state (the account was deleted). */
  void clear() {
    sessions.clear();
    state.clear();
  }

  @Override
  public Jid jid() {
    return jid;
  }

  @Override
  public boolean exists() {
    return exists;
  }

  @Override
  public Collection<SessionEntry> sessions() {
    return Collections.unmodifiableCollection(sessions.values());
  }

  @Override
  public Optional<SessionEntry> session(String resource) {
    return Optional.ofNullable(sessions.get(resource));
  }

  /** The session bound to {@code resource}, or null (the message path's lookup, no Optional). */
  SessionEntry sessionOrNull(String resource) {
    return sessions.get(resource);
  }

  @Override
  public void update(SessionEntry entry) {
    SessionEntry old = sessions.get(entry.resource());
    if (old == null || !old.session().equals(entry.session())) {
      return;
    }
    sessions.put(entry.resource(), entry);
    if (!old.available() && entry.available()) {
      becameAvailable.accept(entry); // stored messages go to it before anything new
    }
  }

  @Override
  public void keepForRebind(SessionEntry s, String key, String value) {
    if (s.session() != null) {
      s.session().tell(new ClientInbox.KeepForRebind(key, value));
    }
  }

  @Override
  public void deliver(SessionEntry to, Element stanza) {
    to.session().tell(new ClientInbox.Deliver(stanza));
  }

  @Override
  public void deliver(SessionEntry to, Delivery d) {
    to.session().tell(new ClientInbox.Deliver(d.stanza(), d.storedKey()));
  }

  @Override
  public void route(Element stanza) {
    router.route(stanza);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(StateKey<T> key) {
    return (T) state.get(key);
  }

  @Override
  public <T> void put(StateKey<T> key, T value) {
    state.put(key, value);
  }

  @Override
  public <T> void await(CompletionStage<T> io, BiConsumer<T, Throwable> then) {
    awaiter.await(io, then);
  }
}
