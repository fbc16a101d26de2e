package dev.switchboard.server.hook;

/**
 * Names a hook and the type of event it carries, so a handler for one hook cannot be registered on
 * another by mistake.
 */
public record HookKey<E>(String name, Class<E> eventType) {
  public static <E> HookKey<E> of(String name, Class<E> eventType) {
    return new HookKey<>(name, eventType);
  }
}
