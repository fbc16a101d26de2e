package dev.switchboard.server.mod.mam;

import dev.switchboard.xmpp.Jid;
import java.sql.Connection;
import java.sql.SQLException;

/** Message archives. Synchronous: callers run it on the blocking executor or the group commit. */
public interface ArchiveStore {
  /**
   * Adds one message, on a connection whose transaction the caller owns: writes from many accounts
   * are committed together (group commit), so this must not commit.
   */
  void append(Connection c, ArchivedMessage m) throws SQLException;

  ArchivePage query(Jid owner, ArchiveQuery q);

  ArchivePrefs prefs(Jid owner);

  void setPrefs(Jid owner, ArchivePrefs prefs);
}
