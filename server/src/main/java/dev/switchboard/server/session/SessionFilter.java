package dev.switchboard.server.session;

import dev.switchboard.xmpp.Element;
import java.util.List;

/**
 * A module's say over what one client session writes, driven by nonzas (top-level elements outside
 * {@code jabber:client}) in the module's namespace. Client State Indication (XEP-0352) is one: an
 * inactive client's presence waits until something important goes out.
 *
 * <p>How the session uses it: a module registers a factory for a namespace; the session creates its
 * own instance the first time the client sends a nonza in that namespace (sessions that never do
 * pay nothing) and passes it every such nonza. From then on every stanza the session is about to
 * write is offered to {@link #decide}: {@link Outbound#HOLD} means the filter keeps it (and may
 * later drop it in favour of a newer one); {@link Outbound#DELIVER} means the session first writes
 * everything the filter holds ({@link #flush}, in order) and then the stanza, so held stanzas never
 * overtake or fall behind important ones. A held stanza is written, and counted for XEP-0198, only
 * when flushed; stanzas still held when the session ends are dropped, so a filter holds only what
 * may be lost (presence, which is sent afresh, and transient notifications). Stanzas that carry a
 * stored key (messages from offline storage) are never offered: they always go out at once.
 *
 * <p>Instances run on the session actor's thread and need no locking.
 */
public interface SessionFilter {
  /** What to do with a stanza about to be written. */
  enum Outbound {
    /** Write what is held, then this stanza. */
    DELIVER,
    /** Keep it back; the filter now owns it. */
    HOLD
  }

  /**
   * A nonza from the client in this filter's namespace; returns true when everything held should be
   * written now (the client became active).
   */
  boolean onNonza(Element nonza);

  /** Decides about one stanza the session is about to write. */
  Outbound decide(Element stanza);

  /** The stanzas held, in the order to write them, forgetting them. */
  List<Element> flush();
}
