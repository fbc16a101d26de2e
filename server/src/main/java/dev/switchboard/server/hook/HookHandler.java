package dev.switchboard.server.hook;

/** Handles one hook's events. */
@FunctionalInterface
public interface HookHandler<E> {
  HookResult<E> handle(E event);
}
