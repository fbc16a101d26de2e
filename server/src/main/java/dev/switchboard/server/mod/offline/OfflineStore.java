package dev.switchboard.server.mod.offline;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Messages waiting for an account to come online (XEP-0160). Writes run inside the group commit's
 * transactions; reads through it too, so they see every write queued before them.
 */
public interface OfflineStore {
  /** One stored message, with the sequence number that orders and identifies it. */
  record Stored(long seq, Element message) {}

  void add(Connection c, Jid owner, long seq, Element message) throws SQLException;

  /** The account's stored messages, oldest first. */
  List<Stored> list(Connection c, Jid owner) throws SQLException;

  void delete(Connection c, Jid owner, List<Long> seqs) throws SQLException;

  int count(Connection c, Jid owner) throws SQLException;
}
