package dev.switchboard.server.session;

import dev.switchboard.server.delivery.ClientInbox;
import dev.switchboard.server.stream.ClientConnection;
import dev.switchboard.server.stream.StreamState;
import dev.switchboard.xmpp.StreamErrorCondition;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * What the parts of a session ({@link StreamManagementHandler}, {@link OwnerLink}) may do to the
 * session they belong to. All calls happen on the session actor's thread.
 */
interface SessionCore {
  SessionServices services();

  ActorRef<ClientInbox> self();

  TimerScheduler<ClientInbox> timers();

  StreamState state();

  ClientConnection connection();

  /** Moves the session to another connection (XEP-0198 resumption). */
  void useConnection(ClientConnection connection);

  /** Whether the session is ending its stream; nothing more is written then. */
  boolean closing();

  /** Ends the stream with an error; the session stops after the current message. */
  void failNow(StreamErrorCondition condition, String text);

  /** The owner of the session's account (bound or not yet). */
  OwnerLink owner();
}
