package dev.switchboard.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;

/** The HTTP listener serves Prometheus metrics that move with real traffic. */
class HttpMetricsTest {
  @Test
  void metricsCountLoginsAndSessions() throws Exception {
    int httpPort = TestServer.freePort();
    try (TestServer server = TestServer.start(Map.of("http.port", Integer.toString(httpPort)))) {
      server.createAccount("metered", "pw");
      XMPPTCPConnection c = Smack.login(server, "metered", "pw");
      String body =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(body).contains("switchboard_logins_total{result=\"success\"} 1.0");
      assertThat(body).contains("switchboard_sessions 1.0");
      assertThat(body).contains("switchboard_c2s_connections 1.0");
      c.disconnect();
      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
    }
  }
}
