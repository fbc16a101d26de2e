package dev.switchboard.server.mod.mam;

import dev.switchboard.xmpp.Jid;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;

/**
 * An archive whose live messages ({@link #appendIfNew}, the message path) go through the {@link
 * ArchiveJournal} on SQLite; queries move the owner's journal rows into the archive first, so they
 * see every message confirmed before them. Other writes and reads go straight to the archive.
 */
final class JournalledArchiveStore implements ArchiveStore {
  private final ArchiveStore archive;
  private final ArchiveJournal journal;

  JournalledArchiveStore(ArchiveStore archive, ArchiveJournal journal) {
    this.archive = archive;
    this.journal = journal;
  }

  @Override
  public void append(Connection c, ArchivedMessage m) throws SQLException {
    archive.append(c, m);
  }

  @Override
  public void appendAll(Connection c, Collection<ArchivedMessage> ms) throws SQLException {
    archive.appendAll(c, ms);
  }

  @Override
  public boolean appendIfNew(Connection c, ArchivedMessage m) throws SQLException {
    return journal.appendIfNew(c, m);
  }

  @Override
  public ArchivePage query(Jid owner, ArchiveQuery q) {
    journal.beforeQuery(owner.toBare().toString());
    return archive.query(owner, q);
  }

  @Override
  public ArchivePrefs prefs(Jid owner) {
    return archive.prefs(owner);
  }

  @Override
  public void setPrefs(Jid owner, ArchivePrefs prefs) {
    archive.setPrefs(owner, prefs);
  }
}
