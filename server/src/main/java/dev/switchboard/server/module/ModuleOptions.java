package dev.switchboard.server.module;

import java.util.Map;

/**
 * A module's validated option values for one hosted domain: the module's own defaults, overridden
 * by {@code switchboard.modules.<name>}, overridden by {@code
 * switchboard.hosts."<domain>".modules.<name>}.
 */
public final class ModuleOptions {
  private final Map<Option<?>, Object> values;

  ModuleOptions(Map<Option<?>, Object> values) {
    this.values = Map.copyOf(values);
  }

  /** The value of an option the module declared. */
  @SuppressWarnings("unchecked")
  public <T> T get(Option<T> option) {
    Object v = values.get(option);
    if (v == null) {
      throw new IllegalArgumentException(
          "option '" + option.key() + "' is not declared by this module's options()");
    }
    return (T) v;
  }
}
