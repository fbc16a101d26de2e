package dev.switchboard.server.mod.mam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.server.store.Database;
import dev.switchboard.server.store.Dialect;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The contract against the PostgreSQL at 127.0.0.1:5432 (database "test", user "postgres"). Each
 * test gets a schema of its own, dropped afterwards; without a reachable server the tests are
 * skipped.
 */
class PostgresArchiveStoreTest extends ArchiveStoreContract {
  private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final String USER = "postgres";

  private String schema;

  @Override
  protected Database openDatabase() throws SQLException {
    schema = "sb_test_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    Database db = Database.open(URL + "?currentSchema=" + schema, USER, "", 4);
    assertThat(db.dialect()).isEqualTo(Dialect.POSTGRES);
    return db;
  }

  @Override
  protected void cleanUp() throws SQLException {
    if (schema != null) {
      try (Connection c = admin();
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA " + schema + " CASCADE");
      }
    }
  }

  @Test
  void archiveIdsUseTheCCollation() {
    try (Database db = Database.open(URL + "?currentSchema=" + schema, USER, "", 1)) {
      String collation =
          db.withConnection(
              c -> {
                try (Statement s = c.createStatement();
                    ResultSet rs =
                        s.executeQuery(
                            "SELECT collation_name FROM information_schema.columns WHERE"
                                + " table_schema = current_schema() AND table_name = 'mam_messages'"
                                + " AND column_name = 'id'")) {
                  rs.next();
                  return rs.getString(1);
                }
              });
      assertThat(collation).isEqualTo("C");
    }
  }

  private static Connection admin() throws SQLException {
    DriverManager.setLoginTimeout(3);
    try {
      return DriverManager.getConnection(URL, USER, "");
    } catch (SQLException e) {
      Assumptions.abort("PostgreSQL is not reachable at " + URL + ": " + e.getMessage());
      throw e;
    }
  }
}
