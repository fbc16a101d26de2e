package dev.switchboard.server;

import java.util.Locale;

/**
 * Whether the tests run under CI: the environment variable {@code CI} is set, as in {@code CI=true
 * bash .ci/run}, and is neither {@code false} nor {@code 0}. Under CI a test that cannot run the
 * way CI claims (no PostgreSQL, no packaged jar) fails instead of skipping.
 */
public final class Ci {
  private Ci() {}

  public static boolean active() {
    return active(System.getenv("CI"));
  }

  public static boolean active(String variable) {
    if (variable == null) {
      return false;
    }
    String ci = variable.trim().toLowerCase(Locale.ROOT);
    return !ci.isEmpty() && !ci.equals("false") && !ci.equals("0");
  }
}
