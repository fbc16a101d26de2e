package dev.switchboard.server.module;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.switchboard.server.config.ConfigError;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * One option of a module, declared beside it: its key within {@code switchboard.modules.<name>},
 * its type, its default, what values it takes, and a one-line description (docs/configuration.md
 * lists them, and {@code switchboard config docs} prints them). Reading it validates it; a bad
 * value stops start-up with a message naming the full key.
 *
 * @param <T> the value's type
 */
public final class Option<T> {
  /** How a value is read from a module's section. */
  @FunctionalInterface
  private interface Reader<T> {
    T read(Config section, String key);
  }

  private final String key;
  private final String type;
  private final T defaultValue;
  private final String doc;
  private final Reader<T> reader;
  private final Predicate<T> valid;
  private final String requirement;

  private Option(
      String key,
      String type,
      T defaultValue,
      String doc,
      Reader<T> reader,
      Predicate<T> valid,
      String requirement) {
    this.key = key;
    this.type = type;
    this.defaultValue = defaultValue;
    this.doc = doc;
    this.reader = reader;
    this.valid = valid;
    this.requirement = requirement;
    if (!valid.test(defaultValue)) {
      throw new IllegalArgumentException(key + ": the default " + defaultValue + " is not valid");
    }
  }

  public static Option<Integer> integer(String key, int defaultValue, String doc) {
    return new Option<>(key, "integer", defaultValue, doc, Config::getInt, v -> true, "");
  }

  public static Option<Boolean> bool(String key, boolean defaultValue, String doc) {
    return new Option<>(key, "boolean", defaultValue, doc, Config::getBoolean, v -> true, "");
  }

  public static Option<String> string(String key, String defaultValue, String doc) {
    return new Option<>(key, "string", defaultValue, doc, Config::getString, v -> true, "");
  }

  public static Option<Duration> duration(String key, Duration defaultValue, String doc) {
    return new Option<>(key, "duration", defaultValue, doc, Config::getDuration, v -> true, "");
  }

  /** A size in bytes ({@code 64k}, {@code 1m} or a number). */
  public static Option<Long> bytes(String key, long defaultValue, String doc) {
    return new Option<>(
        key, "size", defaultValue, doc, (c, k) -> c.getBytes(k), v -> v >= 0, "not negative");
  }

  /** A string out of a fixed set. */
  public static Option<String> oneOf(
      String key, String defaultValue, List<String> values, String doc) {
    return new Option<>(
        key,
        "string",
        defaultValue,
        doc,
        Config::getString,
        values::contains,
        "one of " + String.join(", ", values));
  }

  public static Option<List<String>> strings(String key, List<String> defaultValue, String doc) {
    return new Option<>(
        key,
        "list of strings",
        List.copyOf(defaultValue),
        doc,
        Config::getStringList,
        v -> true,
        "");
  }

  /** The same option, accepting only values that pass {@code check} ({@code what} says which). */
  public Option<T> requiring(Predicate<T> check, String what) {
    Predicate<T> both = valid.and(check);
    String req = requirement.isEmpty() ? what : requirement + ", " + what;
    return new Option<>(key, type, defaultValue, doc, reader, both, req);
  }

  /** An integer option that must be at least {@code min}. */
  public static Option<Integer> atLeast(String key, int defaultValue, int min, String doc) {
    return integer(key, defaultValue, doc).requiring(v -> v >= min, "at least " + min);
  }

  public String key() {
    return key;
  }

  public String type() {
    return type;
  }

  public T defaultValue() {
    return defaultValue;
  }

  public String doc() {
    return doc;
  }

  /** What a valid value must be, or empty. */
  public String requirement() {
    return requirement;
  }

  /**
   * The value in {@code section} (the module's merged options), or the default when absent.
   *
   * @param path the section's full path, for messages
   */
  T read(Config section, String path) {
    String full = path + "." + key;
    T value;
    try {
      value = section.hasPath(key) ? reader.read(section, key) : defaultValue;
    } catch (ConfigException e) {
      throw new ConfigError(full + ": " + describe(e) + " (expected " + type + ")");
    }
    if (!valid.test(value)) {
      throw new ConfigError(full + ": " + value + " is not valid (must be " + requirement + ")");
    }
    return value;
  }

  private static String describe(ConfigException e) {
    String m = e.getMessage();
    int colon = m == null ? -1 : m.lastIndexOf(": ");
    return colon > 0 ? m.substring(colon + 2) : String.valueOf(m);
  }

  @Override
  public String toString() {
    return key + " = " + defaultValue;
  }
}
