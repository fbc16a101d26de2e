package dev.switchboard.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.switchboard.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A migrated database behind a connection pool.
 *
 * <p>Migrations come from {@code db/migration/common} (SQL both dialects accept) and {@code
 * db/migration/sqlite} or {@code db/migration/postgres}, in one Flyway history. Flyway scans these
 * folders recursively, so a feature may keep its scripts in a subfolder of its own. Versions 1-9
 * belong to accounts; features number theirs from 10.
 *
 * <p>SQLite connections run with WAL (readers never wait for the writer, and the CLI can work while
 * the server runs), {@code synchronous=NORMAL} (durable across application crashes, and WAL keeps
 * the file consistent across power loss), a 10 s busy timeout, foreign keys on, and reads through
 * mmap (up to 256 MiB of the file). Transactions on SQLite begin IMMEDIATE: a deferred transaction
 * that reads and then writes can fail at once with SQLITE_BUSY when another writer got in between,
 * which no busy timeout retries.
 */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);
  private static final String MIGRATIONS = "db/migration/";

  private final Dialect dialect;
  private final HikariDataSource pool;
  private final String schemaVersion;
  private final int migrationsApplied;

  private Database(Dialect dialect, HikariDataSource pool, Migrated migrated) {
    this.dialect = dialect;
    this.pool = pool;
    this.schemaVersion = migrated.version();
    this.migrationsApplied = migrated.applied();
  }

  private record Migrated(String version, int applied) {}

  /** Opens the configured database; for SQLite, creates the data directory first. */
  public static Database open(ServerConfig cfg) {
    String url = cfg.jdbcUrl();
    if (Dialect.fromUrl(url) == Dialect.SQLITE) {
      createDirectory(cfg.dataDir());
    }
    return open(url, cfg.database().user(), cfg.database().password(), cfg.database().poolSize());
  }

  /**
   * Opens a database by URL, runs pending migrations and starts a pool of {@code poolSize}
   * connections. {@code user} and {@code password} may be empty (SQLite ignores them).
   *
   * @throws StoreException when the database cannot be reached or migrated
   */
  public static Database open(String jdbcUrl, String user, String password, int poolSize) {
    Dialect dialect = Dialect.fromUrl(jdbcUrl);
    DataSource raw =
        switch (dialect) {
          case SQLITE -> sqlite(jdbcUrl);
          case POSTGRES -> postgres(jdbcUrl, user, password);
        };
    Migrated migrated = migrate(dialect, raw);
    HikariConfig hc = new HikariConfig();
    hc.setDataSource(raw);
    hc.setPoolName("switchboard-db");
    hc.setMaximumPoolSize(poolSize);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(hc);
    } catch (RuntimeException e) {
      throw new StoreException("cannot open the database: " + rootMessage(e), e);
    }
    log.debug(
        "{} database at schema version {} ({} migrations applied)",
        dialect,
        migrated.version(),
        migrated.applied());
    return new Database(dialect, pool, migrated);
  }

  private static DataSource sqlite(String url) {
    sqliteFile(url).map(Path::getParent).ifPresent(Database::createDirectory);
    SQLiteConfig c = new SQLiteConfig();
    c.setJournalMode(SQLiteConfig.JournalMode.WAL);
    c.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    c.setBusyTimeout(10_000);
    c.enforceForeignKeys(true);
    c.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    // the driver otherwise runs "SELECT last_insert_rowid()" after every insert (a fifth of the
    // journal's insert time); nothing here asks for generated keys
    c.setGetGeneratedKeys(false);
    // reads (the archive's resend check, queries) from the OS page cache without a read() call
    // and copy per page; 16 MiB of page cache per connection on top
    c.setPragma(SQLiteConfig.Pragma.MMAP_SIZE, String.valueOf(256L << 20));
    c.setCacheSize(-16 * 1024);
    SQLiteDataSource ds = new SQLiteDataSource(c);
    ds.setUrl(url);
    return ds;
  }

  private static DataSource postgres(String url, String user, String password) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(url);
    if (!user.isEmpty()) {
      ds.setUser(user);
    }
    if (!password.isEmpty()) {
      ds.setPassword(password);
    }
    return ds;
  }

  /** The file of a {@code jdbc:sqlite:} URL, if it names one (not {@code :memory:}). */
  static Optional<Path> sqliteFile(String url) {
    String rest = url.substring("jdbc:sqlite:".length());
    if (rest.startsWith("file:")) {
      rest = rest.substring("file:".length());
    }
    int query = rest.indexOf('?');
    if (query >= 0) {
      rest = rest.substring(0, query);
    }
    if (rest.isEmpty() || rest.startsWith(":")) {
      return Optional.empty();
    }
    return Optional.of(Path.of(rest).toAbsolutePath());
  }

  private static void createDirectory(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StoreException("cannot create the directory " + dir + ": " + e, e);
    }
  }

  private static Migrated migrate(Dialect dialect, DataSource ds) {
    List<String> locations = new ArrayList<>();
    for (String folder : List.of("common", dialect.migrationFolder())) {
      // Flyway warns about a missing location; a dialect may well have no scripts of its own
      if (Database.class.getClassLoader().getResource(MIGRATIONS + folder) != null) {
        locations.add("classpath:" + MIGRATIONS + folder);
      }
    }
    try {
      Flyway flyway =
          Flyway.configure(Database.class.getClassLoader())
              .dataSource(ds)
              .locations(locations.toArray(String[]::new))
              .validateMigrationNaming(true)
              .load();
      MigrateResult result = flyway.migrate();
      MigrationInfo current = flyway.info().current();
      return new Migrated(
          current == null ? "none" : current.getVersion().getVersion(), result.migrationsExecuted);
    } catch (FlywayException e) {
      throw new StoreException("cannot open the database: " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }

  public Dialect dialect() {
    return dialect;
  }

  /** The schema version after migration, such as "1". */
  public String schemaVersion() {
    return schemaVersion;
  }

  /** How many migrations {@link #open} applied (0 when the schema was already current). */
  public int migrationsApplied() {
    return migrationsApplied;
  }

  /** Runs {@code work} with a pooled connection in auto-commit mode. */
  public <T> T withConnection(SqlWork<T> work) {
    try (Connection c = pool.getConnection()) {
      return work.apply(c);
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  /**
   * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws
   * (the exception then propagates, an {@link SQLException} as a {@link StoreException}).
   */
  public <T> T inTransaction(SqlWork<T> work) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.apply(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        rollback(c, e);
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  private static void rollback(Connection c, Throwable cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
