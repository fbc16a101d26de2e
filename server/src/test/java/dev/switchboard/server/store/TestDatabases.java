package dev.switchboard.server.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Real databases for store contract tests: SQLite in a directory, or a private schema in the
 * PostgreSQL at 127.0.0.1:5432 (database "test", user "postgres"), dropped by {@link #close}. Every
 * test that needs PostgreSQL gets it here, so that {@link PostgresRequirement} alone decides
 * whether its absence fails or skips the test.
 */
public final class TestDatabases {
  public static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  public static final String PG_USER = "postgres";

  private TestDatabases() {}

  public static Database sqlite(Path dir) {
    return Database.open("jdbc:sqlite:" + dir.resolve("test.db"), "", "", 4);
  }

  /**
   * A migrated PostgreSQL schema of its own; without a reachable PostgreSQL the test fails in CI
   * and is skipped elsewhere ({@link PostgresRequirement}).
   */
  public static final class PostgresSchema implements AutoCloseable {
    private final String schema = "sb_test_" + UUID.randomUUID().toString().replace("-", "");
    private final Database db;

    public PostgresSchema() throws SQLException {
      try (Connection c = admin();
          Statement s = c.createStatement()) {
        s.execute("CREATE SCHEMA " + schema);
      }
      db = Database.open(PG_URL + "?currentSchema=" + schema, PG_USER, "", 4);
    }

    public Database database() {
      return db;
    }

    /** A JDBC URL for this schema, for servers started separately. */
    public String jdbcUrl() {
      return PG_URL + "?currentSchema=" + schema;
    }

    @Override
    public void close() throws SQLException {
      db.close();
      try (Connection c = admin();
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA " + schema + " CASCADE");
      }
    }

    private static Connection admin() {
      return PostgresRequirement.connect(PG_URL, PG_USER);
    }
  }
}
