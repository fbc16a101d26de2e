package dev.switchboard.server.config;

/** A configuration problem, described in one line that names the key or file at fault. */
public final class ConfigError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigError(String message) {
    super(message);
  }
}
