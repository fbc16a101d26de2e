package dev.switchboard.server.user;

/** Names a feature's per-account state kept in the user actor; identity-keyed. */
public final class StateKey<T> {
  private final String name;

  private StateKey(String name) {
    this.name = name;
  }

  public static <T> StateKey<T> named(String name) {
    return new StateKey<>(name);
  }

  @Override
  public String toString() {
    return name;
  }
}
