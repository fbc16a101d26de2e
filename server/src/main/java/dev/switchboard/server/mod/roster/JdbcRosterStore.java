package dev.switchboard.server.mod.roster;

import dev.switchboard.server.store.Database;
import dev.switchboard.xmpp.Jid;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Rosters in SQL shared by SQLite and PostgreSQL (schema: V10__roster.sql). */
public final class JdbcRosterStore implements RosterStore {
  private final Database db;

  public JdbcRosterStore(Database db) {
    this.db = db;
  }

  @Override
  public Roster load(Jid owner) {
    return db.withConnection(
        c -> {
          Map<Jid, Set<String>> groups = new HashMap<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT contact, grp FROM roster_groups WHERE domain = ? AND username = ?")) {
            bind(ps, owner);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                groups
                    .computeIfAbsent(Jid.parse(rs.getString(1)), k -> new HashSet<>())
                    .add(rs.getString(2));
              }
            }
          }
          List<RosterItem> items = new java.util.ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT contact, name, sub_to, sub_from, pending_out, approved FROM roster_items"
                      + " WHERE domain = ? AND username = ? ORDER BY contact")) {
            bind(ps, owner);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                Jid contact = Jid.parse(rs.getString(1));
                items.add(
                    new RosterItem(
                        contact,
                        rs.getString(2),
                        groups.getOrDefault(contact, Set.of()),
                        rs.getInt(3) != 0,
                        rs.getInt(4) != 0,
                        rs.getInt(5) != 0,
                        rs.getInt(6) != 0));
              }
            }
          }
          Map<Jid, String> pending = new LinkedHashMap<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT contact, stanza FROM roster_pending_in WHERE domain = ? AND username = ?")) {
            bind(ps, owner);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                pending.put(Jid.parse(rs.getString(1)), rs.getString(2));
              }
            }
          }
          long version = 0;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT version FROM roster_versions WHERE domain = ? AND username = ?")) {
            bind(ps, owner);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                version = rs.getLong(1);
              }
            }
          }
          return new Roster(items, pending, version);
        });
  }

  @Override
  public void put(Jid owner, RosterItem item, long version) {
    db.inTransaction(
        c -> {
          delete(c, "roster_groups", owner, item.contact());
          delete(c, "roster_items", owner, item.contact());
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO roster_items (domain, username, contact, name, sub_to, sub_from,"
                      + " pending_out, approved) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            bind(ps, owner);
            ps.setString(3, item.contact().toString());
            ps.setString(4, item.name());
            ps.setInt(5, item.to() ? 1 : 0);
            ps.setInt(6, item.from() ? 1 : 0);
            ps.setInt(7, item.pendingOut() ? 1 : 0);
            ps.setInt(8, item.approved() ? 1 : 0);
            ps.executeUpdate();
          }
          if (!item.groups().isEmpty()) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO roster_groups (domain, username, contact, grp) VALUES (?, ?, ?, ?)")) {
              for (String g : item.groups()) {
                bind(ps, owner);
                ps.setString(3, item.contact().toString());
                ps.setString(4, g);
                ps.addBatch();
              }
              ps.executeBatch();
            }
          }
          setVersion(c, owner, version);
          return null;
        });
  }

  @Override
  public void remove(Jid owner, Jid contact, long version) {
    db.inTransaction(
        c -> {
          delete(c, "roster_groups", owner, contact);
          delete(c, "roster_items", owner, contact);
          delete(c, "roster_pending_in", owner, contact);
          setVersion(c, owner, version);
          return null;
        });
  }

  @Override
  public void putPendingIn(Jid owner, Jid contact, String stanza) {
    db.inTransaction(
        c -> {
          delete(c, "roster_pending_in", owner, contact);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO roster_pending_in (domain, username, contact, stanza)"
                      + " VALUES (?, ?, ?, ?)")) {
            bind(ps, owner);
            ps.setString(3, contact.toString());
            ps.setString(4, stanza);
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public void removePendingIn(Jid owner, Jid contact) {
    db.withConnection(
        c -> {
          delete(c, "roster_pending_in", owner, contact);
          return null;
        });
  }

  private static void bind(PreparedStatement ps, Jid owner) throws SQLException {
    ps.setString(1, owner.domainPart());
    ps.setString(2, owner.local());
  }

  private static void delete(Connection c, String table, Jid owner, Jid contact)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "DELETE FROM " + table + " WHERE domain = ? AND username = ? AND contact = ?")) {
      bind(ps, owner);
      ps.setString(3, contact.toString());
      ps.executeUpdate();
    }
  }

  private static void setVersion(Connection c, Jid owner, long version) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE roster_versions SET version = ? WHERE domain = ? AND username = ?")) {
      ps.setLong(1, version);
      ps.setString(2, owner.domainPart());
      ps.setString(3, owner.local());
      if (ps.executeUpdate() > 0) {
        return;
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO roster_versions (domain, username, version) VALUES (?, ?, ?)")) {
      ps.setString(1, owner.domainPart());
      ps.setString(2, owner.local());
      ps.setLong(3, version);
      ps.executeUpdate();
    }
  }
}
