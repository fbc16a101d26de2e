package dev.switchboard.server.session;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.StreamErrorCondition;

/**
 * A session's way out to its client once the stream is established: the modules' session filters
 * (which may hold stanzas back), XEP-0198 counting, and back-pressure (a client that stops reading
 * is cut off rather than buffered for without limit).
 */
final class Outbound {
  /** Pending outbound bytes beyond which a client that does not read is cut off. */
  private static final long MAX_PENDING_OUTPUT = 4L << 20;

  private final SessionCore core;
  private final StreamManagementHandler sm;
  private SessionFilters filters;

  Outbound(SessionCore core, StreamManagementHandler sm) {
    this.core = core;
    this.sm = sm;
  }

  /** The session's filters, made on first use (sessions that never send a nonza pay nothing). */
  SessionFilters filters() {
    if (filters == null) {
      filters = new SessionFilters(core.services().filters().apply(core.state().domain()));
    }
    return filters;
  }

  /**
   * Writes a stanza, unless a session filter holds it back; then first whatever the filters held.
   * Every stanza after binding goes through here. Stanzas from storage are never held.
   */
  void write(Element stanza, String storedKey) {
    if (filters != null && !filters.isEmpty()) {
      if (storedKey == null && filters.holds(stanza)) {
        return;
      }
      releaseHeld();
    }
    transmit(stanza, storedKey);
  }

  /** Writes what the session filters held, in order. */
  void releaseHeld() {
    for (Element held : filters().release()) {
      if (core.closing()) {
        return;
      }
      transmit(held, null);
    }
  }

  /**
   * Writes a stanza to the client now: the one place that does once the stream is established, so
   * that XEP-0198 counts exactly what the client counts (a held stanza counts once written).
   */
  private void transmit(Element stanza, String storedKey) {
    if (core.closing() || !sm.beforeWrite(stanza, storedKey)) {
      return;
    }
    if (core.connection().pendingOutputBytes() > MAX_PENDING_OUTPUT) {
      core.failNow(StreamErrorCondition.POLICY_VIOLATION, "the client is not reading");
      return;
    }
    core.connection().send(stanza);
    sm.afterWrite();
  }
}
