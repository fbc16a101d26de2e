package dev.switchboard.server.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest, or "development". */
public final class VersionProvider implements IVersionProvider {
  public static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"Switchboard " + version()};
  }
}
