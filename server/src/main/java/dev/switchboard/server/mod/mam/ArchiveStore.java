package dev.switchboard.server.mod.mam;

import dev.switchboard.xmpp.Jid;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;

/** Message archives. Synchronous: callers run it on the blocking executor or the group commit. */
public interface ArchiveStore {
  /**
   * Adds one message, on a connection whose transaction the caller owns: writes from many accounts
   * are committed together (group commit), so this must not commit.
   */
  void append(Connection c, ArchivedMessage m) throws SQLException;

  /** Adds several messages like {@link #append}; a backend may send them as one batch. */
  default void appendAll(Connection c, Collection<ArchivedMessage> ms) throws SQLException {
    for (ArchivedMessage m : ms) {
      append(c, m);
    }
  }

  /**
   * One page of the owner's archive.
   *
   * @throws UnknownArchiveIdException when an id the query names is not in the archive
   */
  ArchivePage query(Jid owner, ArchiveQuery q);

  /**
   * Adds one message like {@link #append} unless the owner's archive already holds it: one
   * exchanged with the same party in the same direction under the same resend key ({@link
   * ArchivedMessage#originId}). A resend (by a client whose acknowledgement was lost, or by a
   * session after a node failed) is recognised so. Returns whether the message was added.
   */
  boolean appendIfNew(Connection c, ArchivedMessage m) throws SQLException;

  ArchivePrefs prefs(Jid owner);

  void setPrefs(Jid owner, ArchivePrefs prefs);
}
