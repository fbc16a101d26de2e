package dev.switchboard.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Sends Smack's java.util.logging output (a line per step of every test) to {@code
 * target/smack-integration-test.log} instead of the build's console, which gets only the summary.
 */
final class SuiteLogging {
  static final Path LOG = Path.of("target", "smack-integration-test.log");

  private SuiteLogging() {}

  static void toFile() throws IOException {
    Files.createDirectories(LOG.getParent());
    Logger root = LogManager.getLogManager().getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    System.setProperty(
        "java.util.logging.SimpleFormatter.format", "%1$tT.%1$tL %4$s %3$s - %5$s%6$s%n");
    FileHandler file = new FileHandler(LOG.toString(), false);
    file.setFormatter(new SimpleFormatter());
    file.setLevel(Level.ALL);
    root.addHandler(file);
    root.setLevel(Level.INFO);
  }
}
