package dev.switchboard.server.mod.offline;

import dev.switchboard.server.store.Database;
import dev.switchboard.server.store.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteOfflineStoreTest extends OfflineStoreContract {
  @TempDir Path dir;

  @Override
  Database open() {
    return TestDatabases.sqlite(dir);
  }
}
