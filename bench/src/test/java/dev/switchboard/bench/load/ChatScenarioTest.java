package dev.switchboard.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.bench.BenchMain;
import dev.switchboard.server.it.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The chat scenario against a real server: every message it sends is counted back in. */
class ChatScenarioTest {
  @Test
  void everyMessageSentIsDeliveredAndTimed(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start()) {
      for (int i = 1; i <= 12; i++) {
        server.createAccount("u" + i, "pw");
      }
      Path json = dir.resolve("chat.json");
      int exit =
          new CommandLine(new BenchMain())
              .execute(
                  "load",
                  "chat",
                  "--port=" + server.port(),
                  "--starttls",
                  "--trust-cert=" + server.dataDir().resolve("tls").resolve("localhost.crt"),
                  "--users=12",
                  "--msg-rate=300",
                  "--duration=2s",
                  "--warmup=0s",
                  "--grace=5s",
                  "--json=" + json);

      assertThat(exit).isZero();
      @SuppressWarnings("unchecked")
      Map<String, Object> report = (Map<String, Object>) Json.parse(Files.readString(json));
      @SuppressWarnings("unchecked")
      Map<String, Object> results = (Map<String, Object>) report.get("results");
      assertThat(((Number) results.get("online")).intValue()).isEqualTo(12);
      long sent = ((Number) results.get("sent")).longValue();
      // 300/s for 2 s, sent by each of the generator's event loops for its own clients
      assertThat(sent).isBetween(540L, 601L);
      assertThat(((Number) results.get("delivered")).longValue()).isEqualTo(sent);
      assertThat(((Number) results.get("lost")).longValue()).isZero();
      assertThat(((Number) results.get("duplicates")).longValue()).isZero();
      assertThat(((Number) results.get("latency_p50_ms")).doubleValue()).isPositive();
      assertThat(report.get("steps")).isEqualTo(List.of());
    }
  }
}
