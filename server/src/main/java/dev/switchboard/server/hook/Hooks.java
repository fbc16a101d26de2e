package dev.switchboard.server.hook;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hook registry. Handlers run in ascending priority (low numbers first), on the caller's
 * thread. A handler that throws is logged and skipped: one faulty module never breaks the chain.
 */
public final class Hooks {
  private static final Logger LOG = LoggerFactory.getLogger(Hooks.class);

  private record Entry<E>(int priority, String owner, HookHandler<E> handler) {}

  private final Map<HookKey<?>, List<Entry<?>>> handlers = new ConcurrentHashMap<>();

  /** Registers a handler; returns a handle that removes it. */
  public <E> Runnable register(HookKey<E> key, int priority, String owner, HookHandler<E> handler) {
    Entry<E> entry = new Entry<>(priority, owner, handler);
    handlers.compute(
        key,
        (k, old) -> {
          List<Entry<?>> list = new ArrayList<>(old == null ? List.of() : old);
          list.add(entry);
          list.sort(Comparator.comparingInt(Entry::priority));
          return new CopyOnWriteArrayList<>(list);
        });
    return () ->
        handlers.computeIfPresent(
            key,
            (k, old) -> {
              List<Entry<?>> list = new ArrayList<>(old);
              list.remove(entry);
              return list.isEmpty() ? null : new CopyOnWriteArrayList<>(list);
            });
  }

  public boolean has(HookKey<?> key) {
    return handlers.containsKey(key);
  }

  /**
   * Runs the chain. Returns the (possibly replaced) event when every handler let it continue, or
   * null when one stopped it.
   */
  @SuppressWarnings("unchecked")
  public <E> E run(HookKey<E> key, E event) {
    List<Entry<?>> list = handlers.get(key);
    if (list == null) {
      return event;
    }
    E current = event;
    for (Entry<?> raw : list) {
      Entry<E> e = (Entry<E>) raw;
      HookResult<E> r;
      try {
        r = e.handler().handle(current);
      } catch (RuntimeException ex) {
        LOG.error("hook {} handler of {} failed; skipped", key.name(), e.owner(), ex);
        continue;
      }
      switch (r) {
        case HookResult.Continue<E> c -> {}
        case HookResult.Stop<E> s -> {
          return null;
        }
        case HookResult.Replace<E> rep -> current = rep.event();
      }
    }
    return current;
  }
}
