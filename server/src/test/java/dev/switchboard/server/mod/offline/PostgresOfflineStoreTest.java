package dev.switchboard.server.mod.offline;

import dev.switchboard.server.store.Database;
import dev.switchboard.server.store.TestDatabases;

class PostgresOfflineStoreTest extends OfflineStoreContract {
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
