package dev.switchboard.server.session;

import dev.switchboard.server.delivery.ClientInbox;
import dev.switchboard.server.stream.ClientConnection;
import dev.switchboard.server.stream.StreamInput;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A client session's own commands: what its connection, its timers and its asynchronous work tell
 * it. They never leave the node. What other actors send it is {@link ClientInbox}.
 */
public sealed interface SessionCommand extends ClientInbox, NoSerializationVerificationNeeded {
  /** Something the connection produced (a stream header, an element, a parse error...). */
  record Input(StreamInput input) implements SessionCommand {}

  /** The connection is gone. */
  record ConnectionClosed() implements SessionCommand {}

  /** Nothing arrived for the idle timeout. */
  record IdleTimeout() implements SessionCommand {}

  /** The client did not finish binding in time. */
  record HandshakeTimeout() implements SessionCommand {}

  /** The account's user actor answered a bind or rebind request. */
  record BindAnswered(dev.switchboard.server.user.UserActor.BindResult result)
      implements SessionCommand {}

  /** The account's user actor stopped (crashed or moved); register again with its successor. */
  record OwnerLost() implements SessionCommand {}

  /**
   * XEP-0198 resumption: a new connection, authenticated as {@code username}, asks this (detached)
   * session to take it over; the answer goes to {@code replyTo}.
   */
  record TakeOver(
      ClientConnection connection, String username, long h, ActorRef<ClientInbox> replyTo)
      implements SessionCommand {}

  /** The answer to {@link TakeOver}: taken over, or refused with the handled count if known. */
  record TakeOverAnswer(boolean ok, Long h, String reason) implements SessionCommand {}

  /** A detached resumable session waited long enough. */
  record ResumeTimeout() implements SessionCommand {}

  /** Time to look for messages not confirmed in time, to send them again (lost between nodes). */
  record ResendUnconfirmed() implements SessionCommand {}

  /** Time to ask the client for an acknowledgement of what it was sent. */
  record RequestAck() implements SessionCommand {}

  /** The result of asynchronous work the session started, to be run on its thread. */
  record Continue(Runnable work) implements SessionCommand {}
}
