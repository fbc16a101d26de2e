package dev.switchboard.server.mod.roster;

import dev.switchboard.server.store.Database;
import dev.switchboard.server.store.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteRosterStoreTest extends RosterStoreContract {
  @TempDir Path dir;

  @Override
  Database open() {
    return TestDatabases.sqlite(dir);
  }
}
