package dev.switchboard.server.user;

import dev.switchboard.server.session.SessionCommand;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A sending session's request to hear when a stanza it read has been handled: stored durably or
 * delivered (XEP-0198 lets the session count it in its {@code <a h/>} only then).
 *
 * @param seq the stanza's position in the client's stream
 * @param after the position of the same session's previous message to the same account that was not
 *     yet confirmed when this one was sent, or -1: the recipient handles that one first (see {@link
 *     ArrivalOrder})
 */
public record Ack(ActorRef<SessionCommand> session, long seq, long after) {
  public Ack(ActorRef<SessionCommand> session, long seq) {
    this(session, seq, -1);
  }

  /** Tells the session; safe to call with a null ack. */
  public static void confirm(Ack ack) {
    if (ack != null) {
      ack.session().tell(new SessionCommand.Handled(ack.seq()));
    }
  }
}
