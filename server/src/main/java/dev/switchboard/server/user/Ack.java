package dev.switchboard.server.user;

import dev.switchboard.server.session.SessionCommand;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A sending session's request to hear when a stanza it read has been handled: stored durably or
 * delivered (XEP-0198 lets the session count it in its {@code <a h/>} only then).
 */
public record Ack(ActorRef<SessionCommand> session, long seq) {
  /** Tells the session; safe to call with a null ack. */
  public static void confirm(Ack ack) {
    if (ack != null) {
      ack.session().tell(new SessionCommand.Handled(ack.seq()));
    }
  }
}
