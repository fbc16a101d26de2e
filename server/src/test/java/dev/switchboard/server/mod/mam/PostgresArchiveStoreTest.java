package dev.switchboard.server.mod.mam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.server.store.Database;
import dev.switchboard.server.store.Dialect;
import dev.switchboard.server.store.TestDatabases;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The contract against the PostgreSQL at 127.0.0.1:5432 (database "test", user "postgres"). Each
 * test gets a schema of its own, dropped afterwards. Without a reachable server the tests fail in
 * CI and are skipped elsewhere ({@link dev.switchboard.server.store.PostgresRequirement}).
 */
class PostgresArchiveStoreTest extends ArchiveStoreContract {
  private TestDatabases.PostgresSchema schema;

  @Override
  protected Database openDatabase() throws SQLException {
    schema = new TestDatabases.PostgresSchema();
    assertThat(schema.database().dialect()).isEqualTo(Dialect.POSTGRES);
    return schema.database();
  }

  @Override
  protected void cleanUp() throws SQLException {
    if (schema != null) {
      schema.close();
    }
  }

  @Test
  void archiveIdsUseTheCCollation() {
    try (Database db = Database.open(schema.jdbcUrl(), TestDatabases.PG_USER, "", 1)) {
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
}
