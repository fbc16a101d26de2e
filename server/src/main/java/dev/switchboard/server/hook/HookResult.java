package dev.switchboard.server.hook;

/** What a hook handler decided: let later handlers run, stop the chain, or replace the event. */
public sealed interface HookResult<E> {
  record Continue<E>() implements HookResult<E> {}

  record Stop<E>() implements HookResult<E> {}

  record Replace<E>(E event) implements HookResult<E> {}

  /** Later handlers run. */
  @SuppressWarnings("unchecked")
  static <E> HookResult<E> proceed() {
    return (HookResult<E>) Shared.CONTINUE;
  }

  /** The event is taken care of: later handlers do not run. */
  @SuppressWarnings("unchecked")
  static <E> HookResult<E> stop() {
    return (HookResult<E>) Shared.STOP;
  }

  /** {@link #stop()} when the handler took care of the event, else {@link #proceed()}. */
  static <E> HookResult<E> stopIf(boolean handled) {
    return handled ? stop() : proceed();
  }

  /** Later handlers, and the caller, see {@code event} instead. */
  static <E> HookResult<E> replace(E event) {
    return new Replace<>(event);
  }

  /** The two results without data, made once (they are returned for every message). */
  final class Shared {
    private static final Continue<?> CONTINUE = new Continue<>();
    private static final Stop<?> STOP = new Stop<>();

    private Shared() {}
  }
}
