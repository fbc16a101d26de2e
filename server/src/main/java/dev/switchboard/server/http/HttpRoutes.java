package dev.switchboard.server.http;

import dev.switchboard.server.metrics.Metrics;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The HTTP listener's routes, matched on the exact decoded path (no query string). Modules may add
 * routes at any time, also after the listener has started. Handlers run on a Netty event loop:
 * in-memory work only, never blocking I/O.
 *
 * <p>A {@code GET} route also answers {@code HEAD}. A known path asked with another method gets 405
 * with {@code Allow}; an unknown path gets 404.
 */
public final class HttpRoutes {
  /** The Prometheus text exposition format that {@link Metrics#scrape()} writes. */
  public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private static final HttpReply NOT_FOUND = HttpReply.text(404, "not found\n");
  private static final HttpReply BAD_TARGET = HttpReply.text(400, "bad request target\n");

  private final ConcurrentMap<String, Function<HttpRequest, HttpReply>> gets =
      new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Function<HttpRequest, HttpReply>> posts =
      new ConcurrentHashMap<>();

  /** Routes with the built-in {@code GET /metrics} and {@code GET /health}. */
  public static HttpRoutes standard(Metrics metrics, Supplier<Health> health) {
    Objects.requireNonNull(metrics);
    Objects.requireNonNull(health);
    return new HttpRoutes()
        .get("/metrics", request -> HttpReply.of(200, PROMETHEUS_TEXT, metrics.scrape()))
        .get(
            "/health",
            request -> {
              Health h = health.get();
              return HttpReply.json(h.up() ? 200 : 503, h.json());
            });
  }

  /**
   * Adds a {@code GET} route.
   *
   * @throws IllegalStateException if the path already has one
   */
  public HttpRoutes get(String path, Function<HttpRequest, HttpReply> handler) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("a route path starts with '/': " + path);
    }
    Objects.requireNonNull(handler);
    if (gets.putIfAbsent(path, handler) != null) {
      throw new IllegalStateException("GET " + path + " is already routed");
    }
    return this;
  }

  /**
   * Adds a {@code POST} route (administrative actions).
   *
   * @throws IllegalStateException if the path already has one
   */
  public HttpRoutes post(String path, Function<HttpRequest, HttpReply> handler) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("a route path starts with '/': " + path);
    }
    Objects.requireNonNull(handler);
    if (posts.putIfAbsent(path, handler) != null) {
      throw new IllegalStateException("POST " + path + " is already routed");
    }
    return this;
  }

  /** The reply for a request; handler exceptions propagate to the caller. */
  HttpReply dispatch(HttpRequest request) {
    String path = pathOf(request.uri());
    if (path == null) {
      return BAD_TARGET;
    }
    HttpMethod method = request.method();
    Function<HttpRequest, HttpReply> get = gets.get(path);
    Function<HttpRequest, HttpReply> post = posts.get(path);
    Function<HttpRequest, HttpReply> handler;
    if (method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD)) {
      handler = get;
    } else if (method.equals(HttpMethod.POST)) {
      handler = post;
    } else {
      handler = null;
    }
    if (handler == null) {
      if (get == null && post == null) {
        return NOT_FOUND;
      }
      String allow =
          get != null && post != null ? "GET, HEAD, POST" : get != null ? "GET, HEAD" : "POST";
      return HttpReply.text(405, "method not allowed\n").withHeader("Allow", allow);
    }
    return Objects.requireNonNull(handler.apply(request), "a route returned no reply");
  }

  /**
   * The decoded path of an origin-form ({@code /a?b}) or absolute-form ({@code http://h/a}) target
   * (RFC 9112 section 3.2), or {@code null} if it is neither.
   */
  static String pathOf(String target) {
    try {
      if (target.startsWith("/")) {
        return new QueryStringDecoder(target).path();
      }
      URI uri = new URI(target);
      if (uri.isAbsolute() && uri.getRawPath() != null) {
        return uri.getRawPath().isEmpty() ? "/" : new QueryStringDecoder(uri.getRawPath()).path();
      }
      return null;
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }
}
