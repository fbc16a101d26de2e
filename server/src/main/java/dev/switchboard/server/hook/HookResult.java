package dev.switchboard.server.hook;

/** What a hook handler decided: let later handlers run, stop the chain, or replace the event. */
public sealed interface HookResult<E> {
  record Continue<E>() implements HookResult<E> {}

  record Stop<E>() implements HookResult<E> {}

  record Replace<E>(E event) implements HookResult<E> {}

  static <E> HookResult<E> proceed() {
    return new Continue<>();
  }

  static <E> HookResult<E> stop() {
    return new Stop<>();
  }

  static <E> HookResult<E> replace(E event) {
    return new Replace<>(event);
  }
}
