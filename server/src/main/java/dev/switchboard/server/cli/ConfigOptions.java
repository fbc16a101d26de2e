package dev.switchboard.server.cli;

import dev.switchboard.server.config.ConfigLoader;
import dev.switchboard.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Options every command shares to find its configuration: a file, the data directory, the domain
 * and free-form {@code --set key=value} overrides. Commands with more flags add them to {@link
 * #overrides} before calling {@link #load}.
 */
public final class ConfigOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "HOCON configuration file (defaults: config/switchboard.conf)")
  Path configFile;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Data directory (switchboard.data-dir, default ./data)")
  String dataDir;

  @Option(
      names = "--domain",
      paramLabel = "DOMAIN",
      description = "XMPP domain served (switchboard.domain, default localhost)")
  String domain;

  @Option(
      names = "--db-url",
      paramLabel = "URL",
      description = "JDBC URL, e.g. jdbc:postgresql://host/db (database.url)")
  String dbUrl;

  @Option(names = "--db-user", paramLabel = "USER", description = "Database user (database.user)")
  String dbUser;

  @Option(
      names = "--db-password-file",
      paramLabel = "FILE",
      description = "File holding the database password (database.password)")
  Path dbPasswordFile;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override any configuration key, e.g. --set c2s.idle-timeout=5m")
  Map<String, String> set = new LinkedHashMap<>();

  /** Loads the configuration with these options and any extra overrides applied on top. */
  public ServerConfig load(Map<String, String> extra) {
    Map<String, String> o = new LinkedHashMap<>(set);
    if (dataDir != null) {
      o.put("data-dir", quote(dataDir));
    }
    if (domain != null) {
      o.put("domain", quote(domain));
    }
    if (dbUrl != null) {
      o.put("database.url", quote(dbUrl));
    }
    if (dbUser != null) {
      o.put("database.user", quote(dbUser));
    }
    if (dbPasswordFile != null) {
      try {
        o.put("database.password", quote(Files.readString(dbPasswordFile).strip()));
      } catch (IOException e) {
        throw new UserError(
            "cannot read --db-password-file " + dbPasswordFile + ": " + e.getMessage());
      }
    }
    o.putAll(extra);
    return ConfigLoader.load(configFile, o);
  }

  public ServerConfig load() {
    return load(Map.of());
  }

  /** A HOCON string literal for a value given on the command line. */
  public static String quote(String v) {
    return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
