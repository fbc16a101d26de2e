package dev.switchboard.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class HttpRoutesTest {
  private final HttpRoutes routes =
      new HttpRoutes().get("/a b", request -> HttpReply.text(200, request.uri()));

  private static DefaultHttpRequest request(HttpMethod method, String target) {
    return new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, target);
  }

  @Test
  void pathsArePercentDecodedAndQueriesIgnored() {
    assertThat(routes.dispatch(request(HttpMethod.GET, "/a%20b?x=1")).status()).isEqualTo(200);
    assertThat(HttpRoutes.pathOf("/x/y?z")).isEqualTo("/x/y");
  }

  @Test
  void absoluteFormTargetsAreAccepted() {
    assertThat(HttpRoutes.pathOf("http://example.com:5280/metrics?x")).isEqualTo("/metrics");
    assertThat(HttpRoutes.pathOf("http://example.com")).isEqualTo("/");
    assertThat(routes.dispatch(request(HttpMethod.GET, "http://h/a%20b")).status()).isEqualTo(200);
  }

  @Test
  void unusableTargetsAre400() {
    assertThat(HttpRoutes.pathOf("*")).isNull();
    assertThat(HttpRoutes.pathOf("metrics")).isNull();
    assertThat(HttpRoutes.pathOf("/bad%zz")).isNull();
    assertThat(routes.dispatch(request(HttpMethod.GET, "/bad%zz")).status()).isEqualTo(400);
  }

  @Test
  void headIsAnsweredByTheGetRoute() {
    assertThat(routes.dispatch(request(HttpMethod.HEAD, "/a%20b")).status()).isEqualTo(200);
    assertThat(routes.dispatch(request(HttpMethod.PUT, "/a%20b")).status()).isEqualTo(405);
  }

  @Test
  void aPathCanBeRoutedOnlyOnce() {
    assertThatThrownBy(() -> routes.get("/a b", request -> HttpReply.text(200, "again")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("/a b");
    assertThatThrownBy(() -> routes.get("relative", request -> HttpReply.text(200, "")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void healthStatusMustBeSafeToEmbedInJson() {
    assertThat(Health.down("draining").json()).isEqualTo("{\"status\":\"draining\"}");
    assertThatThrownBy(() -> Health.down("bad\"quote"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aReplyWithABodyNeedsAContentType() {
    assertThatThrownBy(() -> new HttpReply(200, null, new byte[1], java.util.Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HttpReply.text(700, "x")).isInstanceOf(IllegalArgumentException.class);
  }
}
