package dev.switchboard.server.store;

/** The SQL dialects Switchboard stores data in, told apart by the JDBC URL. */
public enum Dialect {
  SQLITE("sqlite"),
  POSTGRES("postgres");

  private final String migrationFolder;

  Dialect(String migrationFolder) {
    this.migrationFolder = migrationFolder;
  }

  /** The dialect of a {@code jdbc:sqlite:} or {@code jdbc:postgresql:} URL. */
  public static Dialect fromUrl(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return SQLITE;
    }
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return POSTGRES;
    }
    throw new IllegalArgumentException("unsupported JDBC URL (jdbc:sqlite: or jdbc:postgresql:)");
  }

  /** The folder under {@code db/migration/} holding this dialect's own migrations. */
  public String migrationFolder() {
    return migrationFolder;
  }
}
