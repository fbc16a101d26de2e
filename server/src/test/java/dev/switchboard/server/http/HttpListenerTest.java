package dev.switchboard.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.server.config.ConfigError;
import dev.switchboard.server.config.ServerConfig;
import dev.switchboard.server.metrics.Metrics;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HttpListenerTest {
  private static final Transport TRANSPORT = Transport.best();
  private static EventLoopGroup boss;
  private static EventLoopGroup workers;

  private final Metrics metrics = new Metrics();
  private final AtomicReference<Health> health = new AtomicReference<>(Health.UP);
  private final HttpRoutes routes = HttpRoutes.standard(metrics, health::get);
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private HttpListener listener;

  @BeforeAll
  static void loops() {
    boss = TRANSPORT.group(1);
    workers = TRANSPORT.group(2);
  }

  @AfterAll
  static void stopLoops() {
    Transport.shutdown(boss);
    Transport.shutdown(workers);
  }

  @BeforeEach
  void start() throws IOException {
    listener = listen(freePort(), TRANSPORT, boss, workers);
  }

  @AfterEach
  void stop() {
    listener.close();
    client.close();
    metrics.close();
  }

  private HttpListener listen(int port, Transport t, EventLoopGroup b, EventLoopGroup w) {
    HttpListener l =
        new HttpListener(new ServerConfig.Http("127.0.0.1", port), b, w, t.channelClass, routes);
    l.start();
    return l;
  }

  /** Port 0 means "off" in the configuration, so tests ask the kernel for a free one first. */
  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + listener.address().getPort() + path);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(uri(path)).build(), BodyHandlers.ofString());
  }

  private HttpResponse<String> send(String method, String path, int bodySize) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(uri(path))
            .method(method, BodyPublishers.ofByteArray(new byte[bodySize]))
            .build();
    return client.send(request, BodyHandlers.ofString());
  }

  @Test
  void listensOnTheConfiguredPort() throws IOException {
    int port = freePort();
    try (HttpListener other = listen(port, TRANSPORT, boss, workers)) {
      assertThat(other.address().getPort()).isEqualTo(port);
      assertThat(other.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    }
  }

  @Test
  void metricsAreServedInThePrometheusTextFormat() throws Exception {
    metrics.loginSucceeded();
    metrics.connectionOpened();
    metrics.stanzaIn("iq");

    HttpResponse<String> r = get("/metrics");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(r.body())
        .contains("# TYPE switchboard_c2s_connections gauge")
        .contains("\nswitchboard_c2s_connections 1.0\n")
        .contains("\nswitchboard_logins_total{result=\"success\"} 1.0\n")
        .contains("\nswitchboard_stanzas_in_total{kind=\"iq\"} 1.0\n")
        .contains("jvm_memory_used_bytes");
    assertThat(r.headers().firstValueAsLong("content-length"))
        .hasValue(r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
  }

  @Test
  void healthIs200WhileUp() throws Exception {
    HttpResponse<String> r = get("/health");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(r.body()).isEqualTo("{\"status\":\"up\"}");
  }

  @Test
  void healthIs503WithTheSuppliedStatusWhenNotUp() throws Exception {
    health.set(Health.down("stopping"));
    HttpResponse<String> r = get("/health");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).isEqualTo("{\"status\":\"stopping\"}");

    health.set(Health.UP);
    assertThat(get("/health").statusCode()).isEqualTo(200);
  }

  @Test
  void theQueryStringDoesNotChangeTheRoute() throws Exception {
    assertThat(get("/health?verbose=1").statusCode()).isEqualTo(200);
  }

  @Test
  void anUnknownPathIs404() throws Exception {
    HttpResponse<String> r = get("/nope");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).isEqualTo("not found\n");
    assertThat(get("/metrics/").statusCode()).isEqualTo(404);
  }

  @Test
  void anotherMethodOnAKnownPathIs405WithAllow() throws Exception {
    HttpResponse<String> post = send("POST", "/metrics", 10);
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");

    assertThat(send("DELETE", "/health", 0).statusCode()).isEqualTo(405);
    assertThat(send("POST", "/unknown", 10).statusCode()).isEqualTo(404);
  }

  @Test
  void headReportsTheLengthWithoutABody() throws Exception {
    HttpRequest head =
        HttpRequest.newBuilder(uri("/health")).method("HEAD", BodyPublishers.noBody()).build();
    HttpResponse<String> r = client.send(head, BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValueAsLong("content-length")).hasValue(15);
    assertThat(r.body()).isEmpty();
  }

  @Test
  void aBodyOverTheLimitIs413AndOneJustUnderIsNot() throws Exception {
    assertThat(send("POST", "/metrics", HttpListener.MAX_CONTENT_LENGTH + 1).statusCode())
        .isEqualTo(413);
    assertThat(send("POST", "/metrics", HttpListener.MAX_CONTENT_LENGTH).statusCode())
        .isEqualTo(405);
  }

  @Test
  void aConnectionIsKeptAliveForTwoRequests() throws Exception {
    try (RawHttp http = new RawHttp(listener.address())) {
      http.send("GET /health HTTP/1.1\r\nHost: test\r\n\r\n");
      RawHttp.Response first = http.read();
      http.send("GET /metrics HTTP/1.1\r\nHost: test\r\n\r\n");
      RawHttp.Response second = http.read();

      assertThat(first.status()).isEqualTo(200);
      assertThat(first.body()).isEqualTo("{\"status\":\"up\"}");
      assertThat(first.header("connection")).isNull(); // HTTP/1.1: keep-alive by default
      assertThat(second.status()).isEqualTo(200);
      assertThat(second.body()).contains("switchboard_sessions");
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (RawHttp http = new RawHttp(listener.address())) {
      http.send(
          "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n"
              + "GET /health HTTP/1.1\r\nHost: t\r\n\r\n"
              + "POST /health HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi");
      assertThat(http.read().status()).isEqualTo(404);
      assertThat(http.read().status()).isEqualTo(200);
      assertThat(http.read().status()).isEqualTo(405);
    }
  }

  @Test
  void connectionCloseIsHonoured() throws Exception {
    try (RawHttp http = new RawHttp(listener.address())) {
      http.send("GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
      RawHttp.Response r = http.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("connection")).isEqualTo("close");
      assertThat(http.closedByServer()).isTrue();
    }
  }

  @Test
  void http10KeepsAliveOnlyWhenAsked() throws Exception {
    try (RawHttp http = new RawHttp(listener.address())) {
      http.send("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
      RawHttp.Response r = http.read();
      assertThat(r.header("connection")).isEqualTo("keep-alive");
      http.send("GET /health HTTP/1.0\r\n\r\n");
      assertThat(http.read().status()).isEqualTo(200);
      assertThat(http.closedByServer()).isTrue();
    }
  }

  @Test
  void aMalformedRequestIs400AndCloses() throws Exception {
    try (RawHttp http = new RawHttp(listener.address())) {
      http.send("GET /health HTTP/7.x\r\n\r\n");
      assertThat(http.read().status()).isEqualTo(400);
      assertThat(http.closedByServer()).isTrue();
    }
  }

  @Test
  void oversizedHeadersAre431() throws Exception {
    try (RawHttp http = new RawHttp(listener.address())) {
      http.send("GET /health HTTP/1.1\r\nHost: t\r\nX-Big: " + "a".repeat(10_000) + "\r\n\r\n");
      assertThat(http.read().status()).isEqualTo(431);
      assertThat(http.closedByServer()).isTrue();
    }
  }

  @Test
  void aFailingHandlerIs500AndTheConnectionLivesOn() throws Exception {
    routes.get(
        "/boom",
        request -> {
          throw new IllegalStateException("broken on purpose");
        });
    try (RawHttp http = new RawHttp(listener.address())) {
      http.send("GET /boom HTTP/1.1\r\nHost: t\r\n\r\n");
      RawHttp.Response r = http.read();
      assertThat(r.status()).isEqualTo(500);
      assertThat(r.body()).doesNotContain("broken on purpose");
      http.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n");
      assertThat(http.read().status()).isEqualTo(200);
    }
  }

  @Test
  void routesAddedAfterStartAreServed() throws Exception {
    routes.get("/hello", request -> HttpReply.text(200, "hello " + request.method() + "\n"));
    HttpResponse<String> r = get("/hello");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
    assertThat(r.body()).isEqualTo("hello GET\n");
  }

  @Test
  void replyHeadersAreSent() throws Exception {
    routes.get(
        "/cached", request -> HttpReply.text(200, "x").withHeader("Cache-Control", "no-store"));
    assertThat(get("/cached").headers().firstValue("cache-control")).hasValue("no-store");
  }

  @Test
  void closeDropsOpenConnectionsAndStopsListening() throws Exception {
    var address = listener.address();
    try (RawHttp http = new RawHttp(address)) {
      http.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n");
      assertThat(http.read().status()).isEqualTo(200);

      listener.close();

      assertThat(http.closedByServer()).isTrue();
    }
    assertThatThrownBy(() -> new Socket(address.getAddress(), address.getPort()).close())
        .isInstanceOf(ConnectException.class);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aPortInUseIsAConfigErrorNamingKeyAddressAndPort(Transport transport) throws Exception {
    assumeTrue(transport.available(), "native epoll is not available here");
    EventLoopGroup group = transport.group(1);
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> listen(port, transport, group, group))
          .isInstanceOf(ConfigError.class)
          .hasMessage("switchboard.http.port: 127.0.0.1:" + port + " is already in use");
    } finally {
      Transport.shutdown(group);
    }
  }

  @Test
  void anAddressThatIsNotLocalIsAConfigErrorNamingTheAddress() {
    // TEST-NET-1 (RFC 5737) is never assigned to a local interface
    var cfg = new ServerConfig.Http("192.0.2.1", 5280);
    HttpListener l = new HttpListener(cfg, boss, workers, TRANSPORT.channelClass, routes);
    assertThatThrownBy(l::start)
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("switchboard.http.bind-address: cannot listen on 192.0.2.1:5280");
  }

  @Test
  void aListenerThatIsOffCannotBeMade() {
    var off = new ServerConfig.Http("127.0.0.1", 0);
    assertThatThrownBy(() -> new HttpListener(off, boss, workers, TRANSPORT.channelClass, routes))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("switchboard.http.port = 0");
  }
}
