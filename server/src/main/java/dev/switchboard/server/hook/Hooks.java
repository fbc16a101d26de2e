package dev.switchboard.server.hook;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hook registry: the one way modules take part in what the kernel does. Handlers run in
 * ascending priority (low numbers first; equal priorities in registration order), on the caller's
 * thread. A handler that throws is logged and skipped: one faulty module never breaks the chain,
 * and the caller goes on as if it had returned {@link HookResult#proceed()}.
 */
public final class Hooks {
  private static final Logger LOG = LoggerFactory.getLogger(Hooks.class);

  private record Entry<E>(int priority, long order, String owner, HookHandler<E> handler) {}

  private static final Entry<?>[] NONE = new Entry<?>[0];

  private final Map<HookKey<?>, Entry<?>[]> handlers = new ConcurrentHashMap<>();
  private long registered;

  /** Registers a handler; returns a handle that removes it. */
  public synchronized <E> Runnable register(
      HookKey<E> key, int priority, String owner, HookHandler<E> handler) {
    Entry<E> entry = new Entry<>(priority, registered++, owner, handler);
    List<Entry<?>> list = new ArrayList<>(Arrays.asList(handlers.getOrDefault(key, NONE)));
    list.add(entry);
    list.sort(Comparator.<Entry<?>>comparingInt(Entry::priority).thenComparingLong(Entry::order));
    handlers.put(key, list.toArray(NONE));
    return () -> remove(key, entry);
  }

  private synchronized void remove(HookKey<?> key, Entry<?> entry) {
    List<Entry<?>> list = new ArrayList<>(Arrays.asList(handlers.getOrDefault(key, NONE)));
    list.remove(entry);
    if (list.isEmpty()) {
      handlers.remove(key);
    } else {
      handlers.put(key, list.toArray(NONE));
    }
  }

  public boolean has(HookKey<?> key) {
    return handlers.containsKey(key);
  }

  /** Who handles {@code key}, in the order they run (for the docs and the admin tools). */
  public List<String> owners(HookKey<?> key) {
    List<String> out = new ArrayList<>();
    for (Entry<?> e : handlers.getOrDefault(key, NONE)) {
      out.add(e.owner() + " (" + e.priority() + ")");
    }
    return out;
  }

  /**
   * Runs the chain. Returns the (possibly replaced) event when every handler let it continue, or
   * null when one stopped it.
   */
  @SuppressWarnings("unchecked")
  public <E> E run(HookKey<E> key, E event) {
    Entry<?>[] list = handlers.get(key);
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
        LOG.error("hook {}: the handler of {} failed; skipped", key.name(), e.owner(), ex);
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
