package dev.switchboard.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.server.Ci;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/switchboard against the real, packaged server: failsafe runs this after {@code package} has
 * built server/target/switchboard-server.jar and server/target/lib (the other launcher cases, with
 * a fake java, are in {@link LauncherScriptTest}). Without the jar (a test run that stops before
 * {@code package}) it is skipped, and under CI it fails: CI must prove the launcher works.
 */
class LauncherScriptIT {
  // failsafe runs in the server module's directory
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path TARGET = ROOT.resolve("server/target");

  @TempDir Path tmp;

  @Test
  void printsTheVersionOfThePackagedJar() throws Exception {
    boolean built =
        Files.isRegularFile(TARGET.resolve("switchboard-server.jar"))
            && Files.isDirectory(TARGET.resolve("lib"));
    if (!built) {
      // the script would build the server itself, inside this build
      String why = "server/target/switchboard-server.jar or server/target/lib is not built";
      if (Ci.active()) {
        throw new AssertionError(why + "; under CI this test must run after `package`");
      }
      Assumptions.abort(why);
    }
    ProcessBuilder pb =
        new ProcessBuilder("sh", ROOT.resolve("bin/switchboard").toString(), "--version")
            .directory(tmp.toFile());
    pb.environment().remove("SWITCHBOARD_JAVA_OPTS");
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Path out = tmp.resolve("out.txt");
    Path err = tmp.resolve("err.txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("bin/switchboard --version did not finish in 120 s");
    }
    String stderr = Files.readString(err);
    assertThat(p.exitValue()).as(stderr).isZero();
    assertThat(stderr).as("no build on the way: the jar was there").doesNotContain("building");
    // the jar's manifest gives the version; classes outside a jar would say "development"
    assertThat(Files.readString(out))
        .isEqualTo("Switchboard " + System.getProperty("switchboard.version") + "\n");
  }
}
