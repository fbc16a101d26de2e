package dev.switchboard.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.server.cli.ConfigOptions;
import dev.switchboard.server.config.ConfigLoader;
import dev.switchboard.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
  @TempDir Path tmp;

  private ServerConfig config(Path dataDir) {
    return ConfigLoader.load(null, Map.of("data-dir", ConfigOptions.quote(dataDir.toString())));
  }

  private Database open() {
    return Database.open(config(tmp.resolve("data")));
  }

  @Test
  void createsTheDataDirectoryAndMigrates() {
    Path data = tmp.resolve("nested").resolve("data");
    try (Database db = Database.open(config(data))) {
      assertThat(db.dialect()).isEqualTo(Dialect.SQLITE);
      assertThat(Files.isRegularFile(data.resolve("switchboard.db"))).isTrue();
      assertThat(db.migrationsApplied()).isGreaterThanOrEqualTo(2);
      assertThat(
              scalar(
                  db,
                  "SELECT COUNT(*) FROM flyway_schema_history WHERE success AND version IN"
                      + " ('1', '10')"))
          .as("accounts and roster migrations applied")
          .isEqualTo("2");
      assertThat(db.schemaVersion())
          .isEqualTo(
              scalar(
                  db,
                  "SELECT version FROM flyway_schema_history WHERE success"
                      + " ORDER BY installed_rank DESC LIMIT 1"));
    }
  }

  @Test
  void reopeningAppliesNothing() {
    String version;
    try (Database db = open()) {
      assertThat(db.migrationsApplied()).isPositive();
      version = db.schemaVersion();
    }
    try (Database db = open()) {
      assertThat(db.migrationsApplied()).isZero();
      assertThat(db.schemaVersion()).isEqualTo(version);
    }
  }

  @Test
  void everyPooledConnectionHasThePragmas() {
    try (Database db = Database.open("jdbc:sqlite:" + tmp.resolve("p.db"), "", "", 3)) {
      List<List<String>> seen =
          db.withConnection(
              a ->
                  db.withConnection(
                      b ->
                          db.withConnection(
                              c -> {
                                assertThat(a).isNotSameAs(b).isNotSameAs(c);
                                return List.of(pragmas(a), pragmas(b), pragmas(c));
                              })));
      assertThat(seen).containsOnly(List.of("wal", "1", "10000", "1"));
    }
  }

  private static List<String> pragmas(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    for (String p : List.of("journal_mode", "synchronous", "busy_timeout", "foreign_keys")) {
      out.add(queryString(c, "PRAGMA " + p));
    }
    return out;
  }

  @Test
  void transactionsCommitOrRollBack() {
    try (Database db = open()) {
      db.withConnection(c -> update(c, "CREATE TABLE t (n INTEGER NOT NULL)"));
      db.inTransaction(c -> update(c, "INSERT INTO t VALUES (1)"));
      assertThatThrownBy(
              () ->
                  db.inTransaction(
                      c -> {
                        update(c, "INSERT INTO t VALUES (2)");
                        throw new IllegalStateException("boom");
                      }))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("boom");
      assertThatThrownBy(
              () ->
                  db.inTransaction(
                      c -> {
                        update(c, "INSERT INTO t VALUES (3)");
                        return update(c, "INSERT INTO t VALUES (NULL)");
                      }))
          .isInstanceOf(StoreException.class)
          .hasCauseInstanceOf(SQLException.class);
      assertThat(scalar(db, "SELECT group_concat(n) FROM t")).isEqualTo("1");
      // the connection went back to the pool in auto-commit mode
      assertThat(db.withConnection(Connection::getAutoCommit)).isTrue();
    }
  }

  @Test
  void sqlErrorsBecomeStoreExceptions() {
    try (Database db = open()) {
      assertThatThrownBy(() -> db.withConnection(c -> queryString(c, "SELECT * FROM missing")))
          .isInstanceOf(StoreException.class)
          .hasCauseInstanceOf(SQLException.class)
          .hasMessageContaining("missing");
    }
  }

  @Test
  void concurrentWriteTransactionsAllSucceed() {
    try (Database db = Database.open("jdbc:sqlite:" + tmp.resolve("w.db"), "", "", 4);
        BlockingExecutor executor = new BlockingExecutor(4)) {
      db.withConnection(c -> update(c, "CREATE TABLE counter (n INTEGER NOT NULL)"));
      db.withConnection(c -> update(c, "INSERT INTO counter VALUES (0)"));
      List<CompletableFuture<Integer>> writes = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        // read then write in one transaction: the pattern that fails with deferred transactions
        writes.add(
            executor.submit(
                () ->
                    db.inTransaction(
                        c -> {
                          int n = Integer.parseInt(queryString(c, "SELECT n FROM counter"));
                          return update(c, "UPDATE counter SET n = " + (n + 1));
                        })));
      }
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
      assertThat(scalar(db, "SELECT n FROM counter")).isEqualTo("200");
    }
  }

  @Test
  void unreachableDatabaseFailsWithOneLine() {
    assertThatThrownBy(
            () -> Database.open("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2", "", "", 1))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("cannot open the database: ")
        .hasMessageNotContaining("\n");
  }

  @Test
  void dialectFromUrl() {
    assertThat(Dialect.fromUrl("jdbc:sqlite:/tmp/x.db")).isEqualTo(Dialect.SQLITE);
    assertThat(Dialect.fromUrl("jdbc:postgresql://h/db")).isEqualTo(Dialect.POSTGRES);
    assertThatThrownBy(() -> Dialect.fromUrl("jdbc:mysql://h/db"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sqliteFileOfUrl() {
    assertThat(Database.sqliteFile("jdbc:sqlite:/a/b.db")).contains(Path.of("/a/b.db"));
    assertThat(Database.sqliteFile("jdbc:sqlite:file:/a/b.db?mode=rwc"))
        .contains(Path.of("/a/b.db"));
    assertThat(Database.sqliteFile("jdbc:sqlite::memory:")).isEmpty();
  }

  private static String scalar(Database db, String sql) {
    return db.withConnection(c -> queryString(c, sql));
  }

  static String queryString(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  static int update(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      return ps.executeUpdate();
    }
  }
}
