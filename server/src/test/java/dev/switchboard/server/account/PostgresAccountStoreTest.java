package dev.switchboard.server.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.server.store.Database;
import dev.switchboard.server.store.Dialect;
import dev.switchboard.server.store.TestDatabases;
import java.sql.SQLException;

/**
 * The contract against the PostgreSQL at 127.0.0.1:5432 (database "test", user "postgres"). Each
 * test gets a schema of its own, dropped afterwards, so that runs never collide. Without a
 * reachable server the tests fail in CI and are skipped elsewhere ({@link
 * dev.switchboard.server.store.PostgresRequirement}).
 */
class PostgresAccountStoreTest extends AccountStoreContract {
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
}
