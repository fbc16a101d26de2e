package dev.switchboard.server.account;

import dev.switchboard.server.store.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteAccountStoreTest extends AccountStoreContract {
  @TempDir Path tmp;

  @Override
  protected Database openDatabase() {
    return Database.open("jdbc:sqlite:" + tmp.resolve("accounts.db"), "", "", 4);
  }
}
