package dev.switchboard.server.session;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.switchboard.server.cluster.CborSerializable;
import dev.switchboard.server.stream.StreamInput;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.StreamErrorCondition;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;

/**
 * The protocol of a client session actor. Commands other actors send may cross nodes (serialized as
 * CBOR); those only the session's own connection or timers send are marked local.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "@type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = SessionCommand.Deliver.class, name = "deliver"),
  @JsonSubTypes.Type(value = SessionCommand.Handled.class, name = "handled"),
  @JsonSubTypes.Type(value = SessionCommand.Terminate.class, name = "terminate"),
  @JsonSubTypes.Type(value = SessionCommand.InjectFailure.class, name = "inject-failure")
})
public sealed interface SessionCommand extends CborSerializable {
  /** Something the connection produced (a stream header, an element, a parse error...). */
  record Input(StreamInput input) implements SessionCommand, NoSerializationVerificationNeeded {}

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

  /**
   * Per-session state the account's owner keeps (carbons on, for example) that the session hands to
   * the next owner when it registers again after losing its owner ({@code value} null: forget the
   * key).
   */
  record KeepForRebind(String key, String value) implements SessionCommand {}

  /** The TCP connection is gone. */
  record ConnectionClosed() implements SessionCommand, NoSerializationVerificationNeeded {}

  /** Nothing arrived for the idle timeout. */
  record IdleTimeout() implements SessionCommand, NoSerializationVerificationNeeded {}

  /** The client did not finish binding in time. */
  record HandshakeTimeout() implements SessionCommand, NoSerializationVerificationNeeded {}

  /** End the stream with this error (another login took the resource, shutdown, admin kick). */
  record Terminate(StreamErrorCondition condition, String text) implements SessionCommand {}

  /**
   * Makes the session actor throw, to exercise supervision ("let it crash"): the client gets
   * internal-server-error and nobody else notices. Used by tests and the admin tools.
   */
  record InjectFailure(String reason) implements SessionCommand {}

  /** The account's user actor answered a bind or rebind request. */
  record BindAnswered(dev.switchboard.server.user.UserActor.BindResult result)
      implements SessionCommand, NoSerializationVerificationNeeded {}

  /** The account's user actor stopped (crashed or moved); register again with its successor. */
  record OwnerLost() implements SessionCommand, NoSerializationVerificationNeeded {}

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
      implements SessionCommand, NoSerializationVerificationNeeded {}

  /** The answer to {@link TakeOver}: taken over, or refused with the handled count if known. */
  record TakeOverAnswer(boolean ok, Long h, String reason)
      implements SessionCommand, NoSerializationVerificationNeeded {}

  /** A detached resumable session waited long enough. */
  record ResumeTimeout() implements SessionCommand, NoSerializationVerificationNeeded {}

  /** Time to send again messages whose handling was not confirmed (lost between nodes). */
  record RetryUnhandled() implements SessionCommand, NoSerializationVerificationNeeded {}

  /** Time to ask the client for an acknowledgement of what it was sent. */
  record RequestAck() implements SessionCommand, NoSerializationVerificationNeeded {}

  /** The result of asynchronous work the session started, to be run on its thread. */
  record Continue(Runnable work) implements SessionCommand, NoSerializationVerificationNeeded {}
}
