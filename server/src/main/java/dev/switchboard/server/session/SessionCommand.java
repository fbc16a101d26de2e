package dev.switchboard.server.session;

import dev.switchboard.server.stream.StreamInput;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.StreamErrorCondition;

/** The protocol of a client session actor. */
public sealed interface SessionCommand {
  /** Something the connection produced (a stream header, an element, a parse error...). */
  record Input(StreamInput input) implements SessionCommand {}

  /**
   * A stanza for this client: write it out. A non-null {@code receipt} goes back to the account's
   * user actor once the client has acknowledged the stanza.
   */
  record Deliver(Element stanza, String receipt) implements SessionCommand {
    public Deliver(Element stanza) {
      this(stanza, null);
    }
  }

  /** The stanza this session read as number {@code seq} has been handled (stored or delivered). */
  record Handled(long seq) implements SessionCommand {}

  /** The TCP connection is gone. */
  record ConnectionClosed() implements SessionCommand {}

  /** Nothing arrived for the idle timeout. */
  record IdleTimeout() implements SessionCommand {}

  /** The client did not finish binding in time. */
  record HandshakeTimeout() implements SessionCommand {}

  /** End the stream with this error (another login took the resource, shutdown, admin kick). */
  record Terminate(StreamErrorCondition condition, String text) implements SessionCommand {}

  /**
   * Makes the session actor throw, to exercise supervision ("let it crash"): the client gets
   * internal-server-error and nobody else notices. Used by tests and the admin tools.
   */
  record InjectFailure(String reason) implements SessionCommand {}

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
      io.netty.channel.Channel channel,
      dev.switchboard.server.transport.XmppStreamHandler reader,
      String username,
      long h,
      org.apache.pekko.actor.typed.ActorRef<SessionCommand> replyTo)
      implements SessionCommand {}

  /** The answer to {@link TakeOver}: taken over, or refused with the handled count if known. */
  record TakeOverAnswer(boolean ok, Long h, String reason) implements SessionCommand {}

  /** A detached resumable session waited long enough. */
  record ResumeTimeout() implements SessionCommand {}

  /** Time to ask the client for an acknowledgement of what it was sent. */
  record RequestAck() implements SessionCommand {}

  /** The result of asynchronous work the session started, to be run on its thread. */
  record Continue(Runnable work) implements SessionCommand {}
}
