package dev.switchboard.server.cli;

import dev.switchboard.server.config.Version;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the version from the jar manifest, or "development". */
public final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"Switchboard " + Version.current()};
  }
}
