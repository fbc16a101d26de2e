package dev.switchboard.server.mod.roster;

import dev.switchboard.xmpp.Jid;

/** Where rosters live. Synchronous: callers run it on the blocking executor. */
public interface RosterStore {
  /** The account's roster; empty for an account that has none yet. */
  Roster load(Jid owner);

  /** Inserts or replaces an item and records the roster version. */
  void put(Jid owner, RosterItem item, long version);

  /** Removes an item (and any pending request from the contact) and records the version. */
  void remove(Jid owner, Jid contact, long version);

  /** Remembers an inbound subscription request until it is answered. */
  void putPendingIn(Jid owner, Jid contact, String stanza);

  void removePendingIn(Jid owner, Jid contact);
}
