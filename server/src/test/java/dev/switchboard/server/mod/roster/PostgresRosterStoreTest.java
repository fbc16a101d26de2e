package dev.switchboard.server.mod.roster;

import dev.switchboard.server.store.Database;
import dev.switchboard.server.store.TestDatabases;

class PostgresRosterStoreTest extends RosterStoreContract {
  private TestDatabases.PostgresSchema schema;

  @Override
  Database open() throws Exception {
    schema = new TestDatabases.PostgresSchema();
    return schema.database();
  }

  @Override
  void cleanUp() throws Exception {
    if (schema != null) {
      schema.close();
    }
  }
}
