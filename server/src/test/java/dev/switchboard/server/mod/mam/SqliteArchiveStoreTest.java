package dev.switchboard.server.mod.mam;

import dev.switchboard.server.store.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteArchiveStoreTest extends ArchiveStoreContract {
  @TempDir Path tmp;

  @Override
  protected Database openDatabase() {
    return Database.open("jdbc:sqlite:" + tmp.resolve("archive.db"), "", "", 4);
  }
}
