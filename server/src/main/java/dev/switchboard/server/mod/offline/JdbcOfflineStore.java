package dev.switchboard.server.mod.offline;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.XmlReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Offline messages in SQL shared by SQLite and PostgreSQL (schema: V30__offline.sql). */
public final class JdbcOfflineStore implements OfflineStore {
  @Override
  public void add(Connection c, Jid owner, long seq, Element message) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO offline_messages (domain, username, seq, stanza) VALUES (?, ?, ?, ?)")) {
      ps.setString(1, owner.domainPart());
      ps.setString(2, owner.local());
      ps.setLong(3, seq);
      ps.setString(4, message.toXml());
      ps.executeUpdate();
    }
  }

  @Override
  public List<Stored> list(Connection c, Jid owner) throws SQLException {
    List<Stored> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT seq, stanza FROM offline_messages WHERE domain = ? AND username = ?"
                + " ORDER BY seq")) {
      ps.setString(1, owner.domainPart());
      ps.setString(2, owner.local());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Stored(rs.getLong(1), XmlReader.parseElement(rs.getString(2))));
        }
      }
    }
    return out;
  }

  @Override
  public void delete(Connection c, Jid owner, List<Long> seqs) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "DELETE FROM offline_messages WHERE domain = ? AND username = ? AND seq = ?")) {
      for (long seq : seqs) {
        ps.setString(1, owner.domainPart());
        ps.setString(2, owner.local());
        ps.setLong(3, seq);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  @Override
  public int count(Connection c, Jid owner) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT COUNT(*) FROM offline_messages WHERE domain = ? AND username = ?")) {
      ps.setString(1, owner.domainPart());
      ps.setString(2, owner.local());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
