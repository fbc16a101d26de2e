package dev.switchboard.server.session;

import dev.switchboard.xmpp.Element;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One session's instances of the modules' {@link SessionFilter}s, made on the first nonza in their
 * namespace, so that sessions that never send one pay nothing.
 */
final class SessionFilters {
  /** What became of a nonza. */
  enum NonzaResult {
    /** No module filters this namespace. */
    UNKNOWN,
    /** Taken; nothing more to do. */
    TAKEN,
    /** Taken, and whatever the filters hold should go out now. */
    RELEASE
  }

  private final Map<String, Supplier<SessionFilter>> factories;
  private final Map<String, SessionFilter> active = new LinkedHashMap<>();

  SessionFilters(Map<String, Supplier<SessionFilter>> factories) {
    this.factories = factories;
  }

  NonzaResult nonza(Element e) {
    SessionFilter f = active.get(e.namespace());
    if (f == null) {
      Supplier<SessionFilter> factory = factories.get(e.namespace());
      if (factory == null) {
        return NonzaResult.UNKNOWN;
      }
      f = factory.get();
      active.put(e.namespace(), f);
    }
    return f.onNonza(e) ? NonzaResult.RELEASE : NonzaResult.TAKEN;
  }

  boolean isEmpty() {
    return active.isEmpty();
  }

  /** Whether a filter keeps {@code stanza} back. */
  boolean holds(Element stanza) {
    for (SessionFilter f : active.values()) {
      if (f.decide(stanza) == SessionFilter.Outbound.HOLD) {
        return true;
      }
    }
    return false;
  }

  /** What the filters held, in order, forgetting it. */
  List<Element> release() {
    List<Element> out = new ArrayList<>();
    for (SessionFilter f : active.values()) {
      out.addAll(f.flush());
    }
    return out;
  }
}
