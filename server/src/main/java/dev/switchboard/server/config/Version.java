package dev.switchboard.server.config;

/** This build's version, from the jar manifest, or "development" when run from classes. */
public final class Version {
  private Version() {}

  public static String current() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }
}
