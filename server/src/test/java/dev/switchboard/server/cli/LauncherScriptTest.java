package dev.switchboard.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs bin/switchboard with {@code sh} (dash on Debian, so bashisms fail here). Most cases run a
 * copy of the script in a scratch tree with a fake {@code java} that records how it was called,
 * since the script finds the project relative to itself. The real server jar's case runs after
 * {@code package}: {@link LauncherScriptIT}.
 */
class LauncherScriptTest {
  // surefire runs in the server module's directory
  private static final Path SCRIPT =
      Path.of("..", "bin", "switchboard").toAbsolutePath().normalize();

  @TempDir Path tmp;

  private record Result(int exit, String out, String err) {}

  @ParameterizedTest
  @CsvSource({
    "openjdk version \"17.0.15\" 2025-04-15, 17",
    "java version \"1.8.0_392\", 8",
    "openjdk version \"11\" 2018-09-25, 11"
  })
  void refusesAJavaHomeOlderThan21(String versionLine, String major) throws Exception {
    Path home = fakeJdk(tmp.resolve("old-jdk"), versionLine);
    Result r = run(SCRIPT, Map.of("JAVA_HOME", home.toString()), "--version");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "switchboard: needs a JDK 21 or newer (found: Java "
                + major
                + " at "
                + home.resolve("bin/java")
                + " from JAVA_HOME); set JAVA_HOME to one\n");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void refusesAJavaHomeWithoutJava() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("empty-jdk"));
    Result r = run(SCRIPT, Map.of("JAVA_HOME", home.toString()), "--version");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("switchboard: JAVA_HOME is " + home).doesNotContain("\n\n");
  }

  @ParameterizedTest
  @CsvSource({"21, false", "22.0.2, false", "23, true", "25.0.3, true"})
  void passesTheUnsafeFlagOnlyFromJdk23(String version, boolean unsafeFlag) throws Exception {
    Path root = scratchTree(true);
    Path home = fakeJdk(tmp.resolve("jdk"), "openjdk version \"" + version + "\" 2025-01-01");
    Result r = run(root.resolve("bin/switchboard"), Map.of("JAVA_HOME", home.toString()), "-V");
    assertThat(r.exit()).as(r.err()).isEqualTo(7);
    List<String> argv = calls(home);
    assertThat(argv.contains("--sun-misc-unsafe-memory-access=allow")).isEqualTo(unsafeFlag);
    assertThat(argv)
        .contains(
            "--enable-native-access=ALL-UNNAMED", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError");
  }

  @Test
  void runsMainWithTheClassPathOptionsAndArgumentsInTheCallersDirectory() throws Exception {
    Path root = scratchTree(true);
    Path home = fakeJdk(tmp.resolve("jdk"), "openjdk version \"25.0.3\" 2026-04-21");
    Path cwd = Files.createDirectories(tmp.resolve("somewhere else"));
    Result r =
        run(
            root.resolve("bin/switchboard"),
            Map.of("JAVA_HOME", home.toString(), "SWITCHBOARD_JAVA_OPTS", "-Xmx64m -Dx=*"),
            cwd,
            "start",
            "two words",
            "*");
    assertThat(r.exit()).as(r.err()).isEqualTo(7);
    List<String> lines = Files.readAllLines(home.resolve("calls.log"));
    assertThat(lines.get(0)).as("working directory").isEqualTo(cwd.toRealPath().toString());
    Path target = root.toRealPath().resolve("server/target");
    assertThat(lines.subList(lines.size() - 9, lines.size()))
        .containsExactly(
            "-Xmx64m",
            "-Dx=*",
            "-cp",
            target.resolve("switchboard-server.jar") + ":" + target.resolve("lib") + "/*",
            "dev.switchboard.server.cli.Main",
            "start",
            "two words",
            "*",
            "end");
  }

  @Test
  void findsTheProjectThroughASymlinkToTheScript() throws Exception {
    Path root = scratchTree(true);
    Path home = fakeJdk(tmp.resolve("jdk"), "openjdk version \"21.0.7\" 2025-04-15");
    Path link =
        Files.createSymbolicLink(
            Files.createDirectories(tmp.resolve("usr/local/bin")).resolve("switchboard"),
            root.resolve("bin/switchboard"));
    Result r = run(link, Map.of("JAVA_HOME", home.toString()), "-V");
    assertThat(r.exit()).as(r.err()).isEqualTo(7);
    assertThat(calls(home))
        .contains(
            root.toRealPath().resolve("server/target/switchboard-server.jar")
                + ":"
                + root.toRealPath().resolve("server/target/lib")
                + "/*");
  }

  @Test
  void buildsOnFirstRunWithTheChosenJdk() throws Exception {
    Path root = scratchTree(false);
    executable(
        root.resolve("mvnw"),
        """
        #!/bin/sh
        { echo "JAVA_HOME=$JAVA_HOME"; echo "PWD=$(pwd)"; echo "ARGS=$*"; } > mvnw.log
        echo "maven talking"
        mkdir -p server/target/lib && : > server/target/switchboard-server.jar
        """);
    Path home = fakeJdk(tmp.resolve("jdk"), "openjdk version \"25.0.3\" 2026-04-21");
    Result r = run(root.resolve("bin/switchboard"), Map.of("JAVA_HOME", home.toString()), "-V");
    assertThat(r.exit()).as(r.err()).isEqualTo(7);
    assertThat(r.err())
        .startsWith("switchboard: building (first run)...\n")
        .contains("maven talking");
    assertThat(r.out()).as("build output stays off stdout").isEmpty();
    assertThat(Files.readAllLines(root.resolve("mvnw.log")))
        .containsExactly(
            "JAVA_HOME=" + home, "PWD=" + root.toRealPath(), "ARGS=-q -B -DskipTests package");
    assertThat(calls(home)).contains("dev.switchboard.server.cli.Main");
  }

  @Test
  void aFailedBuildStopsWithOneLine() throws Exception {
    Path root = scratchTree(false);
    executable(root.resolve("mvnw"), "#!/bin/sh\necho '[ERROR] BUILD FAILURE'\nexit 3\n");
    Path home = fakeJdk(tmp.resolve("jdk"), "openjdk version \"21\" 2023-09-19");
    Result r = run(root.resolve("bin/switchboard"), Map.of("JAVA_HOME", home.toString()), "-V");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .contains("[ERROR] BUILD FAILURE")
        .endsWith(
            "switchboard: build failed; see the output above, or run ./mvnw -B -DskipTests package in "
                + root.toRealPath()
                + "\n");
    assertThat(home.resolve("calls.log")).as("java never started").doesNotExist();
  }

  /** A copy of the script in {@code tmp/tree/bin}, with a built jar or without one. */
  private Path scratchTree(boolean built) throws IOException {
    Path root = tmp.resolve("tree");
    Files.createDirectories(root.resolve("bin"));
    Files.copy(SCRIPT, root.resolve("bin/switchboard"));
    if (built) {
      Files.createDirectories(root.resolve("server/target/lib"));
      Files.createFile(root.resolve("server/target/switchboard-server.jar"));
    }
    return root;
  }

  /**
   * A JDK home whose bin/java answers the version probe with {@code versionLine} on stderr and
   * otherwise records its working directory and arguments in calls.log, then exits with 7.
   */
  private static Path fakeJdk(Path home, String versionLine) throws IOException {
    Files.createDirectories(home.resolve("bin"));
    executable(
        home.resolve("bin/java"),
        """
        #!/bin/sh
        case "$1" in
          -XshowSettings:*|-version) echo '%s' >&2; exit 0 ;;
        esac
        log="$(dirname "$0")/../calls.log"
        pwd > "$log"
        for a in "$@"; do printf '%%s\\n' "$a" >> "$log"; done
        echo end >> "$log"
        exit 7
        """
            .formatted(versionLine));
    return home;
  }

  private static List<String> calls(Path home) throws IOException {
    return Files.readAllLines(home.resolve("calls.log"));
  }

  private static void executable(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Result run(Path script, Map<String, String> env, String... args) throws Exception {
    return run(script, env, tmp, args);
  }

  private Result run(Path script, Map<String, String> env, Path cwd, String... args)
      throws Exception {
    List<String> command = new ArrayList<>(List.of("sh", script.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
    pb.environment().remove("SWITCHBOARD_JAVA_OPTS");
    pb.environment().putAll(env);
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("bin/switchboard did not finish in 120 s");
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
