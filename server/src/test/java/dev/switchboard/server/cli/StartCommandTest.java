package dev.switchboard.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard start} refuses bad settings with one line naming the problem. */
class StartCommandTest {
  @TempDir Path data;

  private record Outcome(int exit, String err) {}

  private Outcome run(String... args) {
    PrintStream oldErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int exit = Main.run(args);
      return new Outcome(exit, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(oldErr);
    }
  }

  @Test
  void unknownKeyIsNamed() {
    Outcome o = run("start", "--data", data.toString(), "--set", "c2s.prot=5222");
    assertThat(o.exit()).isEqualTo(1);
    assertThat(o.err().strip())
        .isEqualTo("switchboard: unknown configuration key 'switchboard.c2s.prot'");
  }

  @Test
  void badPortIsNamed() {
    Outcome o = run("start", "--data", data.toString(), "--c2s-port", "70000");
    assertThat(o.exit()).isEqualTo(1);
    assertThat(o.err()).contains("switchboard.c2s.port").contains("70000");
    assertThat(o.err().strip().lines()).hasSize(1);
  }

  @Test
  void badValueTypeIsNamed() {
    Outcome o = run("start", "--data", data.toString(), "--set", "c2s.idle-timeout=soon");
    assertThat(o.exit()).isEqualTo(1);
    assertThat(o.err()).contains("idle-timeout");
    assertThat(o.err().strip().lines()).hasSize(1);
  }

  @Test
  void badDomainIsNamed() {
    Outcome o = run("start", "--data", data.toString(), "--domain", "not a domain");
    assertThat(o.exit()).isEqualTo(1);
    assertThat(o.err()).contains("switchboard.domain");
  }

  @Test
  void portInUseIsNamed() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      int port = taken.getLocalPort();
      Outcome o =
          run(
              "start",
              "--data",
              data.toString(),
              "--c2s-port",
              Integer.toString(port),
              "--tls-port",
              "0",
              "--http-port",
              "0");
      assertThat(o.exit()).isEqualTo(1);
      assertThat(o.err()).contains("switchboard.c2s.port").contains(Integer.toString(port));
      assertThat(o.err().strip().lines()).hasSize(1);
    }
  }
}
