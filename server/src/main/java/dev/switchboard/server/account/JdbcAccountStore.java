package dev.switchboard.server.account;

import dev.switchboard.server.auth.ScramCredential;
import dev.switchboard.server.auth.StoredCredentials;
import dev.switchboard.server.store.Database;
import dev.switchboard.xmpp.Jid;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link AccountStore} on the {@code accounts} table (migration V1), for SQLite and PostgreSQL. */
public final class JdbcAccountStore implements AccountStore {
  private static final String COLUMNS =
      "scram_sha1_iterations, scram_sha1_salt, scram_sha1_stored_key, scram_sha1_server_key,"
          + " scram_sha256_iterations, scram_sha256_salt, scram_sha256_stored_key,"
          + " scram_sha256_server_key";
  // ON CONFLICT DO NOTHING: SQLite 3.24+ and PostgreSQL 9.5+ agree on it
  private static final String INSERT =
      "INSERT INTO accounts (domain, username, "
          + COLUMNS
          + ", created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (domain, username) DO NOTHING";
  private static final String UPDATE =
      "UPDATE accounts SET scram_sha1_iterations = ?, scram_sha1_salt = ?,"
          + " scram_sha1_stored_key = ?, scram_sha1_server_key = ?, scram_sha256_iterations = ?,"
          + " scram_sha256_salt = ?, scram_sha256_stored_key = ?, scram_sha256_server_key = ?"
          + " WHERE domain = ? AND username = ?";
  private static final int BATCH = 500;

  private final Database db;

  public JdbcAccountStore(Database db) {
    this.db = db;
  }

  @Override
  public boolean create(Jid bare, StoredCredentials credentials) {
    checkAccount(bare);
    return db.withConnection(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            bindInsert(ps, bare, credentials, System.currentTimeMillis());
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public Optional<StoredCredentials> credentials(Jid bare) {
    checkAccount(bare);
    return db.withConnection(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT " + COLUMNS + " FROM accounts WHERE domain = ? AND username = ?")) {
            ps.setString(1, bare.domainPart());
            ps.setString(2, bare.local());
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public boolean exists(Jid bare) {
    checkAccount(bare);
    return db.withConnection(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT 1 FROM accounts WHERE domain = ? AND username = ?")) {
            ps.setString(1, bare.domainPart());
            ps.setString(2, bare.local());
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next();
            }
          }
        });
  }

  @Override
  public boolean updateCredentials(Jid bare, StoredCredentials credentials) {
    checkAccount(bare);
    return db.withConnection(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(UPDATE)) {
            int i = bindCredentials(ps, 1, credentials);
            ps.setString(i, bare.domainPart());
            ps.setString(i + 1, bare.local());
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public boolean remove(Jid bare) {
    checkAccount(bare);
    return db.withConnection(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM accounts WHERE domain = ? AND username = ?")) {
            ps.setString(1, bare.domainPart());
            ps.setString(2, bare.local());
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public List<Jid> list(String domain) {
    String d = Jid.domain(domain).domainPart();
    List<Jid> out =
        db.withConnection(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement("SELECT username FROM accounts WHERE domain = ?")) {
                ps.setString(1, d);
                List<Jid> jids = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    jids.add(Jid.bare(rs.getString(1), d));
                  }
                }
                return jids;
              }
            });
    // sorted here, not in SQL: PostgreSQL's collation and SQLite's byte order disagree
    out.sort(Comparator.comparing(Jid::local));
    return out;
  }

  @Override
  public long count(String domain) {
    String d = Jid.domain(domain).domainPart();
    return db.withConnection(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT COUNT(*) FROM accounts WHERE domain = ?")) {
            ps.setString(1, d);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
  }

  @Override
  public int createAll(List<Map.Entry<Jid, StoredCredentials>> batch) {
    batch.forEach(e -> checkAccount(e.getKey()));
    long now = System.currentTimeMillis();
    return db.inTransaction(
        c -> {
          int created = 0;
          try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (int from = 0; from < batch.size(); from += BATCH) {
              for (Map.Entry<Jid, StoredCredentials> e :
                  batch.subList(from, Math.min(batch.size(), from + BATCH))) {
                bindInsert(ps, e.getKey(), e.getValue(), now);
                ps.addBatch();
              }
              for (int n : ps.executeBatch()) {
                created += n > 0 ? 1 : 0;
              }
            }
          }
          return created;
        });
  }

  private static void checkAccount(Jid jid) {
    if (!jid.isBare() || !jid.hasLocal()) {
      throw new IllegalArgumentException("not an account JID: " + jid);
    }
  }

  private static void bindInsert(
      PreparedStatement ps, Jid bare, StoredCredentials credentials, long createdAt)
      throws SQLException {
    ps.setString(1, bare.domainPart());
    ps.setString(2, bare.local());
    int next = bindCredentials(ps, 3, credentials);
    ps.setLong(next, createdAt);
  }

  /** Binds the eight credential columns from {@code index}; returns the next free index. */
  private static int bindCredentials(PreparedStatement ps, int index, StoredCredentials c)
      throws SQLException {
    int i = index;
    for (ScramCredential s : List.of(c.sha1(), c.sha256())) {
      ps.setInt(i++, s.iterations());
      ps.setString(i++, encode(s.salt()));
      ps.setString(i++, encode(s.storedKey()));
      ps.setString(i++, encode(s.serverKey()));
    }
    return i;
  }

  private static StoredCredentials read(ResultSet rs) throws SQLException {
    return new StoredCredentials(read(rs, 1), read(rs, 5));
  }

  private static ScramCredential read(ResultSet rs, int from) throws SQLException {
    return new ScramCredential(
        rs.getInt(from),
        decode(rs.getString(from + 1)),
        decode(rs.getString(from + 2)),
        decode(rs.getString(from + 3)));
  }

  private static String encode(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  private static byte[] decode(String s) {
    return Base64.getDecoder().decode(s);
  }
}
