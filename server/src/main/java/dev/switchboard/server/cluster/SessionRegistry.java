package dev.switchboard.server.cluster;

import dev.switchboard.server.store.GroupCommitter;
import dev.switchboard.server.store.TxStatements;
import dev.switchboard.xmpp.Jid;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which node each bound resource lives on, kept in the shared database. Accounts' owner actors
 * write it as sessions bind and end (through the group commit, without waiting); when a node dies,
 * a surviving node reads the sessions it held so that they can be ended properly.
 */
public final class SessionRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);

  private final GroupCommitter committer;

  public SessionRegistry(GroupCommitter committer) {
    this.committer = committer;
  }

  // one upsert instead of a delete and an insert; SQLite 3.24+ and PostgreSQL 9.5+ both take it
  private static final String RECORD =
      "INSERT INTO sessions (domain, username, resource, node) VALUES (?, ?, ?, ?)"
          + " ON CONFLICT (domain, username, resource) DO UPDATE SET node = excluded.node";
  private static final String FORGET =
      "DELETE FROM sessions WHERE domain = ? AND username = ? AND resource = ? AND node = ?";

  /** Records (or moves) a bound resource. */
  public void bound(Jid full, String node) {
    committer
        .submit(c -> write(c, RECORD, full, node))
        .exceptionally(e -> log("recording", full, e));
  }

  /** Forgets a resource, if it is still recorded on {@code node}. */
  public void ended(Jid full, String node) {
    committer
        .submit(c -> write(c, FORGET, full, node))
        .exceptionally(e -> log("forgetting", full, e));
  }

  // every login writes here twice, so the statements are kept for the group-commit transaction
  private static void write(Connection c, String sql, Jid full, String node) throws SQLException {
    PreparedStatement ps = TxStatements.prepare(c, sql);
    try {
      bind(ps, full);
      ps.setString(4, node);
      ps.executeUpdate();
    } finally {
      TxStatements.release(sql, ps);
    }
  }

  /** The resources recorded on {@code node}, as full JIDs. */
  public CompletableFuture<List<Jid>> on(String node) {
    return committer.read(
        c -> {
          List<Jid> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT domain, username, resource FROM sessions WHERE node = ?")) {
            ps.setString(1, node);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(Jid.of(rs.getString(2), rs.getString(1), rs.getString(3)));
              }
            }
          }
          return out;
        });
  }

  /** One recorded resource of an account. */
  public record Recorded(String resource, String node) {}

  /** The account's recorded resources (after every write queued before this read). */
  public CompletableFuture<List<Recorded>> of(Jid account) {
    return committer.read(
        c -> {
          List<Recorded> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT resource, node FROM sessions WHERE domain = ? AND username = ?")) {
            ps.setString(1, account.domainPart());
            ps.setString(2, account.local());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(new Recorded(rs.getString(1), rs.getString(2)));
              }
            }
          }
          return out;
        });
  }

  /** Every node that has sessions recorded. */
  public CompletableFuture<List<String>> nodes() {
    return committer.read(
        c -> {
          List<String> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT node FROM sessions");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(rs.getString(1));
            }
          }
          return out;
        });
  }

  private static void bind(PreparedStatement ps, Jid full) throws SQLException {
    ps.setString(1, full.domainPart());
    ps.setString(2, full.local());
    ps.setString(3, full.resource());
  }

  private static Void log(String what, Jid full, Throwable e) {
    LOG.warn("session registry: {} {} failed", what, full, e);
    return null;
  }
}
