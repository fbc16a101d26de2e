package dev.switchboard.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Prepared statements kept for the length of one group-commit transaction, so that a batch of
 * hundreds of archive rows prepares each statement once instead of once per row (SQLite's JDBC
 * driver has no statement cache; preparing was a sixth of the commit thread's time).
 *
 * <p>Stores use {@link #prepare} and {@link #release} instead of {@code prepareStatement} and
 * {@code close} in code the committer runs; elsewhere these behave as the plain calls.
 */
public final class TxStatements implements AutoCloseable {
  private static final ThreadLocal<TxStatements> CURRENT = new ThreadLocal<>();

  private final Connection connection;
  private final Map<String, PreparedStatement> open = new HashMap<>();

  private TxStatements(Connection connection) {
    this.connection = connection;
  }

  /** Starts keeping statements prepared on {@code c} by this thread, until {@link #close}. */
  static TxStatements open(Connection c) {
    TxStatements s = new TxStatements(c);
    CURRENT.set(s);
    return s;
  }

  /** A statement for {@code sql}: the transaction's kept one, or a new one. */
  public static PreparedStatement prepare(Connection c, String sql) throws SQLException {
    TxStatements s = CURRENT.get();
    if (s == null || s.connection != c) {
      return c.prepareStatement(sql);
    }
    PreparedStatement ps = s.open.get(sql);
    if (ps == null) {
      ps = c.prepareStatement(sql);
      s.open.put(sql, ps);
    } else {
      ps.clearParameters();
    }
    return ps;
  }

  /** Closes {@code ps} unless the transaction keeps it. */
  public static void release(String sql, PreparedStatement ps) throws SQLException {
    TxStatements s = CURRENT.get();
    if (s == null || s.open.get(sql) != ps) {
      ps.close();
    }
  }

  @Override
  public void close() throws SQLException {
    CURRENT.remove();
    SQLException first = null;
    for (PreparedStatement ps : open.values()) {
      try {
        ps.close();
      } catch (SQLException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    open.clear();
    if (first != null) {
      throw first;
    }
  }
}
