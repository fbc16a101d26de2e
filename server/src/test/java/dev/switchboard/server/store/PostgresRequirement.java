package dev.switchboard.server.store;

import dev.switchboard.server.Ci;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.opentest4j.TestAbortedException;

/**
 * The one place where tests that need the PostgreSQL at 127.0.0.1:5432 decide what an unreachable
 * server means. In CI (the environment variable {@code CI} is set, as in {@code CI=true bash
 * .ci/run}) or with {@code -Dswitchboard.requirePostgres=true} the test fails: CI must prove the
 * PostgreSQL store and cluster tests, not skip them. Elsewhere (a laptop without PostgreSQL) the
 * test is skipped, with a warning on stderr the first time in a JVM and a list of everything
 * skipped at the end ({@link PostgresSkipReport}). {@code -Dswitchboard.requirePostgres=false}
 * skips even under CI.
 */
public final class PostgresRequirement {
  public static final String PROPERTY = "switchboard.requirePostgres";

  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private PostgresRequirement() {}

  /** Thrown to skip a test for want of PostgreSQL; {@link PostgresSkipReport} counts these. */
  public static final class PostgresUnavailable extends TestAbortedException {
    private static final long serialVersionUID = 1L;

    PostgresUnavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Whether an unreachable PostgreSQL fails the test: the property decides when it is set ({@code
   * true} or {@code false}); otherwise a non-empty {@code CI} other than {@code false} or {@code 0}
   * does.
   */
  static boolean required(String ciVariable, String property) {
    if (property != null && !property.isBlank()) {
      return Boolean.parseBoolean(property.trim());
    }
    return Ci.active(ciVariable);
  }

  /** {@link #required(String, String)} for this JVM. */
  public static boolean required() {
    return required(System.getenv("CI"), System.getProperty(PROPERTY));
  }

  /**
   * A connection to {@code url} as {@code user} (no password); if there is none, fails the calling
   * test when PostgreSQL is {@link #required()} and skips it otherwise.
   */
  public static Connection connect(String url, String user) {
    DriverManager.setLoginTimeout(3);
    try {
      return DriverManager.getConnection(url, user, "");
    } catch (SQLException e) {
      throw unavailable(url, user, e);
    }
  }

  /**
   * When PostgreSQL cannot be used: throws an {@link AssertionError} if it is {@link #required()},
   * else returns the skip for the caller to throw.
   */
  static RuntimeException unavailable(String url, String user, SQLException e) {
    String problem =
        "PostgreSQL is not usable at " + url + " as user " + user + ": " + e.getMessage();
    if (required()) {
      throw new AssertionError(
          problem
              + "\n  PostgreSQL is required here (CI is set, or -D"
              + PROPERTY
              + "=true), so this fails instead of skipping. .ci/run starts and prepares a local"
              + " PostgreSQL; see README.md.",
          e);
    }
    if (WARNED.compareAndSet(false, true)) {
      warn(
          "WARNING: "
              + problem
              + "\nWARNING: the tests that need PostgreSQL (store contracts, cluster) are SKIPPED;"
              + " in CI they fail.\nWARNING: run .ci/run, or start PostgreSQL on 127.0.0.1:5432"
              + " (database test, user postgres, trust); see README.md.");
    }
    return new PostgresUnavailable(problem, e);
  }

  /**
   * Prints a framed message on the process's own stderr, past the test framework's capture of
   * System.err, so that it shows in the build output.
   */
  static void warn(String text) {
    String bar = "=".repeat(100);
    @SuppressWarnings("resource") // the process's stderr stays open
    PrintStream err =
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    err.println(bar + "\n" + text + "\n" + bar);
    err.flush();
  }
}
