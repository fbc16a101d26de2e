package dev.switchboard.server.http;

import java.util.regex.Pattern;

/**
 * What {@code GET /health} reports: {@code {"status":"<status>"}}, with 200 when {@code up} and 503
 * otherwise, so a load balancer can take a starting or draining node out of rotation.
 *
 * @param status a short lower-case word such as {@code up}, {@code starting} or {@code stopping}
 */
public record Health(String status, boolean up) {
  // The status goes into JSON as is, so keep it to characters that need no escaping.
  // Declared before UP: static fields initialise in order, and UP's constructor reads it.
  private static final Pattern WORD = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  public static final Health UP = new Health("up", true);

  public Health {
    if (!WORD.matcher(status).matches()) {
      throw new IllegalArgumentException(
          "health status must be a short lower-case word: " + status);
    }
  }

  public static Health down(String status) {
    return new Health(status, false);
  }

  String json() {
    return "{\"status\":\"" + status + "\"}";
  }
}
