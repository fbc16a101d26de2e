package dev.switchboard.server.mod.mam;

import dev.switchboard.server.store.Database;
import dev.switchboard.server.store.TxStatements;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.XmlReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Message archives in SQL shared by SQLite and PostgreSQL (schema: V20__mam.sql).
 *
 * <p>A query reads the page with one more row than asked for, which tells whether the page is
 * complete, and counts the result set separately. The count and the page are read without a
 * transaction, so a message archived between the two may show in one and not the other.
 */
public final class JdbcArchiveStore implements ArchiveStore {
  /** The largest page a query returns unless configured otherwise. */
  public static final int DEFAULT_MAX_PAGE_SIZE = 250;

  private static final String COLUMNS =
      "id, with_bare, with_resource, outgoing, ts, origin_id, stanza";

  /** A row's columns as {@link #bindRow(PreparedStatement, ArchivedMessage, int)} binds them. */
  static final String ROW_COLUMNS = "domain, username, " + COLUMNS;

  private static final String INSERT =
      "INSERT INTO mam_messages (" + ROW_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

  // a resend meets the unique index on the resend key (V22) and is left out, without a read first
  private static final String INSERT_IF_NEW = INSERT + " ON CONFLICT DO NOTHING";

  private final Database db;
  private final int maxPageSize;
  private final ArchivePrefs defaults;

  public JdbcArchiveStore(Database db) {
    this(db, DEFAULT_MAX_PAGE_SIZE);
  }

  /** A store whose pages hold at most {@code maxPageSize} messages, whatever a query asks. */
  public JdbcArchiveStore(Database db, int maxPageSize) {
    this(db, maxPageSize, ArchivePrefs.DEFAULT);
  }

  /** As above; accounts that never set preferences get {@code defaults}. */
  public JdbcArchiveStore(Database db, int maxPageSize, ArchivePrefs defaults) {
    if (maxPageSize < 1) {
      throw new IllegalArgumentException("maxPageSize must be at least 1");
    }
    this.db = db;
    this.maxPageSize = maxPageSize;
    this.defaults = defaults;
  }

  // ---- writing ----

  @Override
  public void append(Connection c, ArchivedMessage m) throws SQLException {
    appendAll(c, List.of(m));
  }

  @Override
  public boolean appendIfNew(Connection c, ArchivedMessage m) throws SQLException {
    PreparedStatement ps = TxStatements.prepare(c, INSERT_IF_NEW);
    try {
      bindRow(ps, m);
      return ps.executeUpdate() == 1;
    } finally {
      TxStatements.release(INSERT_IF_NEW, ps);
    }
  }

  private static void bindRow(PreparedStatement ps, ArchivedMessage m) throws SQLException {
    bindRow(ps, m, 1);
  }

  /** Binds the row's columns (in {@link #ROW_COLUMNS} order) from parameter {@code first} on. */
  static void bindRow(PreparedStatement ps, ArchivedMessage m, int first) throws SQLException {
    ps.setString(first, m.owner().domainPart());
    ps.setString(first + 1, m.owner().local());
    ps.setString(first + 2, m.id());
    ps.setString(first + 3, m.with().toBare().toString());
    ps.setString(first + 4, withResource(m));
    ps.setInt(first + 5, m.outgoing() ? 1 : 0);
    ps.setLong(first + 6, micros(m.timestamp(), false));
    ps.setString(first + 7, m.originId());
    ps.setString(first + 8, m.message().toXml());
  }

  @Override
  public void appendAll(Connection c, Collection<ArchivedMessage> ms) throws SQLException {
    if (ms.isEmpty()) {
      return;
    }
    PreparedStatement ps = TxStatements.prepare(c, INSERT);
    try {
      for (ArchivedMessage m : ms) {
        bindRow(ps, m);
        if (ms.size() == 1) {
          ps.executeUpdate();
        } else {
          ps.addBatch();
        }
      }
      if (ms.size() > 1) {
        ps.executeBatch();
      }
    } finally {
      TxStatements.release(INSERT, ps);
    }
  }

  /**
   * The other party's resource: from {@code with} when it is a full JID, otherwise from the
   * message's {@code to} (outgoing) or {@code from} (incoming) when that is the same account.
   */
  private static String withResource(ArchivedMessage m) {
    if (m.with().isFull()) {
      return m.with().resource();
    }
    Jid peer = Jid.tryParse(m.message().attr(m.outgoing() ? "to" : "from"));
    if (peer != null && peer.isFull() && peer.toBare().equals(m.with())) {
      return peer.resource();
    }
    return "";
  }

  // ---- querying ----

  @Override
  public ArchivePage query(Jid owner, ArchiveQuery q) {
    return db.withConnection(
        c -> {
          checkIdsExist(c, owner, q);
          Where filters = filters(owner, q);
          long count = count(c, filters);
          int limit = Math.min(q.max(), maxPageSize);
          Where page = filters.copy();
          if (q.afterId() != null) {
            page.and("id > ?", q.afterId());
          }
          if (q.beforeId() != null) {
            page.and("id < ?", q.beforeId());
          }
          List<ArchivedMessage> rows = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM mam_messages WHERE "
                      + page.sql()
                      + " ORDER BY id "
                      + (q.fromEnd() ? "DESC" : "ASC")
                      + " LIMIT ?")) {
            int next = page.bind(ps, 1);
            ps.setInt(next, limit + 1);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                rows.add(row(owner, rs));
              }
            }
          }
          boolean complete = rows.size() <= limit;
          if (!complete) {
            rows.remove(rows.size() - 1);
          }
          if (q.fromEnd()) {
            Collections.reverse(rows);
          }
          return new ArchivePage(rows, complete, count, firstIndex(c, filters, q, rows, count));
        });
  }

  /** The position of the page's first message in the result set; 0 for an empty page. */
  private static long firstIndex(
      Connection c, Where filters, ArchiveQuery q, List<ArchivedMessage> rows, long count)
      throws SQLException {
    if (rows.isEmpty()) {
      return 0;
    }
    if (!q.fromEnd() && q.afterId() == null) {
      return 0;
    }
    if (q.fromEnd() && q.beforeId() == null) {
      return count - rows.size();
    }
    Where before = filters.copy();
    before.and("id < ?", rows.get(0).id());
    return count(c, before);
  }

  /** Every id the query names must be in the owner's archive (XEP-0313 4.1.3, 4.3.2). */
  private static void checkIdsExist(Connection c, Jid owner, ArchiveQuery q) throws SQLException {
    Set<String> wanted = new LinkedHashSet<>(q.ids());
    if (q.afterId() != null) {
      wanted.add(q.afterId());
    }
    if (q.beforeId() != null) {
      wanted.add(q.beforeId());
    }
    if (wanted.isEmpty()) {
      return;
    }
    Set<String> found = new HashSet<>();
    Where w = new Where();
    w.and("domain = ?", owner.domainPart());
    w.and("username = ?", owner.local());
    w.in("id", wanted);
    try (PreparedStatement ps =
        c.prepareStatement("SELECT id FROM mam_messages WHERE " + w.sql())) {
      w.bind(ps, 1);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.add(rs.getString(1));
        }
      }
    }
    for (String id : wanted) {
      if (!found.contains(id)) {
        throw new UnknownArchiveIdException(id);
      }
    }
  }

  /** The conditions choosing the result set: owner, with, start, end and ids. */
  private static Where filters(Jid owner, ArchiveQuery q) {
    Where w = new Where();
    w.and("domain = ?", owner.domainPart());
    w.and("username = ?", owner.local());
    if (q.with() != null) {
      w.and("with_bare = ?", q.with().toBare().toString());
      if (q.with().isFull()) {
        w.and("with_resource = ?", q.with().resource());
      }
    }
    if (q.start() != null) {
      w.and("ts >= ?", micros(q.start(), true));
    }
    if (q.end() != null) {
      w.and("ts <= ?", micros(q.end(), false));
    }
    if (!q.ids().isEmpty()) {
      w.in("id", new LinkedHashSet<>(q.ids()));
    }
    return w;
  }

  private static long count(Connection c, Where w) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT COUNT(*) FROM mam_messages WHERE " + w.sql())) {
      w.bind(ps, 1);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static ArchivedMessage row(Jid owner, ResultSet rs) throws SQLException {
    return new ArchivedMessage(
        rs.getString(1),
        owner,
        Jid.parse(rs.getString(2)),
        rs.getInt(4) != 0,
        instant(rs.getLong(5)),
        rs.getString(6),
        XmlReader.parseElement(rs.getString(7)));
  }

  // ---- preferences ----

  @Override
  public ArchivePrefs prefs(Jid owner) {
    return db.withConnection(
        c -> {
          String mode = null;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT default_mode FROM mam_prefs WHERE domain = ? AND username = ?")) {
            bind(ps, owner);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                mode = rs.getString(1);
              }
            }
          }
          if (mode == null) {
            return defaults;
          }
          Set<Jid> always = new HashSet<>();
          Set<Jid> never = new HashSet<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT mode, jid FROM mam_prefs_jids WHERE domain = ? AND username = ?")) {
            bind(ps, owner);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                (rs.getString(1).equals("always") ? always : never).add(Jid.parse(rs.getString(2)));
              }
            }
          }
          return new ArchivePrefs(mode, always, never);
        });
  }

  @Override
  public void setPrefs(Jid owner, ArchivePrefs prefs) {
    db.inTransaction(
        c -> {
          // deleting the row removes its JIDs too (ON DELETE CASCADE)
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM mam_prefs WHERE domain = ? AND username = ?")) {
            bind(ps, owner);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO mam_prefs (domain, username, default_mode) VALUES (?, ?, ?)")) {
            bind(ps, owner);
            ps.setString(3, prefs.defaultMode());
            ps.executeUpdate();
          }
          if (prefs.always().isEmpty() && prefs.never().isEmpty()) {
            return null;
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO mam_prefs_jids (domain, username, mode, jid) VALUES (?, ?, ?, ?)")) {
            addJids(ps, owner, "always", prefs.always());
            addJids(ps, owner, "never", prefs.never());
            ps.executeBatch();
          }
          return null;
        });
  }

  private static void addJids(PreparedStatement ps, Jid owner, String mode, Set<Jid> jids)
      throws SQLException {
    for (Jid j : jids) {
      bind(ps, owner);
      ps.setString(3, mode);
      ps.setString(4, j.toString());
      ps.addBatch();
    }
  }

  // ---- helpers ----

  private static void bind(PreparedStatement ps, Jid owner) throws SQLException {
    ps.setString(1, owner.domainPart());
    ps.setString(2, owner.local());
  }

  /**
   * Microseconds since the epoch, saturating far outside the range anyone archives in; {@code up}
   * rounds a fraction of a microsecond up (for an inclusive lower bound) instead of down.
   */
  static long micros(Instant t, boolean up) {
    try {
      long us = Math.multiplyExact(t.getEpochSecond(), 1_000_000L);
      long frac = t.getNano() / 1_000;
      if (up && t.getNano() % 1_000 != 0) {
        frac++;
      }
      return Math.addExact(us, frac);
    } catch (ArithmeticException e) {
      return t.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  /** A WHERE clause built from conditions joined by AND, with its parameters in order. */
  private static final class Where {
    private final List<String> conditions = new ArrayList<>();
    private final List<Object> params = new ArrayList<>();

    void and(String condition, Object param) {
      conditions.add(condition);
      params.add(param);
    }

    void in(String column, Collection<String> values) {
      conditions.add(
          column + " IN (" + String.join(", ", Collections.nCopies(values.size(), "?")) + ")");
      params.addAll(values);
    }

    Where copy() {
      Where w = new Where();
      w.conditions.addAll(conditions);
      w.params.addAll(params);
      return w;
    }

    String sql() {
      return String.join(" AND ", conditions);
    }

    /** Binds the parameters from position {@code first}; returns the next free position. */
    int bind(PreparedStatement ps, int first) throws SQLException {
      int i = first;
      for (Object p : params) {
        if (p instanceof Long l) {
          ps.setLong(i++, l);
        } else {
          ps.setString(i++, (String) p);
        }
      }
      return i;
    }
  }
}
