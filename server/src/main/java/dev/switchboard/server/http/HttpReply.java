package dev.switchboard.server.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a route answers: status, content type, body and any extra headers. The listener adds {@code
 * Content-Length} and {@code Connection}; it does not copy the body, so don't change the array
 * after returning it.
 *
 * @param contentType the {@code Content-Type}, or {@code null} for an empty body
 */
public record HttpReply(int status, String contentType, byte[] body, Map<String, String> headers) {
  public static final String TEXT = "text/plain; charset=utf-8";
  public static final String JSON = "application/json";

  public HttpReply {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("not an HTTP status: " + status);
    }
    if (contentType == null && body.length > 0) {
      throw new IllegalArgumentException("a body needs a content type");
    }
    headers = Map.copyOf(headers);
  }

  public static HttpReply of(int status, String contentType, String body) {
    return new HttpReply(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  public static HttpReply text(int status, String body) {
    return of(status, TEXT, body);
  }

  public static HttpReply json(int status, String json) {
    return of(status, JSON, json);
  }

  /** A copy with one more header (or one replaced). */
  public HttpReply withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new HttpReply(status, contentType, body, more);
  }
}
