package dev.switchboard.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads configuration in three layers, later ones winning: the built-in defaults (the documented
 * config/switchboard.conf, packaged in the jar), an optional file, then command-line overrides.
 *
 * <p>Every key outside the defaults is rejected so that a typo never passes silently.
 */
public final class ConfigLoader {
  static final String DEFAULTS_RESOURCE = "dev/switchboard/server/config/switchboard.conf";
  private static final String ROOT = "switchboard";

  private ConfigLoader() {}

  /** The built-in defaults. */
  public static Config defaults() {
    return ConfigFactory.parseResources(
        ConfigLoader.class.getClassLoader(),
        DEFAULTS_RESOURCE,
        ConfigParseOptions.defaults().setAllowMissing(false));
  }

  /**
   * Builds the effective configuration.
   *
   * @param file an optional HOCON file, or null
   * @param overrides dotted keys (with or without the leading {@code switchboard.}) to values in
   *     HOCON syntax, in order
   * @throws ConfigError naming the offending key or file
   */
  public static ServerConfig load(Path file, Map<String, String> overrides) {
    Config defaults = defaults();
    Config user = ConfigFactory.empty();
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new ConfigError("configuration file " + file + " does not exist");
      }
      try {
        user = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults());
      } catch (ConfigException e) {
        throw new ConfigError("configuration file " + file + ": " + e.getMessage());
      }
    }
    for (Map.Entry<String, String> o : overrides.entrySet()) {
      String key =
          o.getKey().startsWith(ROOT + ".") || o.getKey().startsWith("pekko.")
              ? o.getKey()
              : ROOT + "." + o.getKey();
      user = parseOverride(key, o.getValue()).withFallback(user);
    }
    checkKnownKeys(user, defaults);
    Config merged = user.withFallback(defaults).resolve();
    try {
      return ServerConfig.from(merged);
    } catch (ConfigException e) {
      throw new ConfigError(describe(e));
    }
  }

  private static Config parseOverride(String key, String value) {
    Config parsed;
    try {
      parsed =
          ConfigFactory.parseString(
              key + " = " + value, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF));
    } catch (ConfigException e) {
      // a bare word with characters HOCON will not take unquoted: treat it as a string
      parsed =
          ConfigFactory.parseString(
              key + " = \"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    }
    return parsed;
  }

  private static void checkKnownKeys(Config user, Config defaults) {
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
      String path = e.getKey();
      if (!defaults.hasPathOrNull(path) && !isOpenSection(path)) {
        unknown.add(path);
      }
    }
    if (!unknown.isEmpty()) {
      unknown.sort(null);
      throw new ConfigError("unknown configuration key '" + unknown.get(0) + "'");
    }
  }

  /**
   * Pekko's own settings pass through unchecked, for operators who need to tune them; module
   * options and hosts are checked against what the modules declare when they start.
   */
  private static boolean isOpenSection(String path) {
    return path.startsWith("pekko.")
        || path.startsWith(ROOT + ".modules.")
        || path.startsWith(ROOT + ".hosts.");
  }

  private static String describe(ConfigException e) {
    if (e.getMessage() != null) {
      String m = e.getMessage();
      int colon = m.indexOf(": ");
      // strip the "merge of ..." origin prefix Typesafe Config adds
      return colon > 0 && m.startsWith("merge of") ? m.substring(colon + 2) : m;
    }
    return e.toString();
  }
}
