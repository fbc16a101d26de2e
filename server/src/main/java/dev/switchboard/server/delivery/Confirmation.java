package dev.switchboard.server.delivery;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * A sending session's request to hear when a message it read has been <em>handled</em>: stored
 * durably or delivered, or refused with an error the sender gets. It travels with the message from
 * the sending session through both accounts' owners; whoever ends the message's journey confirms
 * it, and the session counts the message in its XEP-0198 {@code <a h/>} only then. See
 * docs/architecture.md, "Delivery confirmation".
 *
 * @param session the sending session
 * @param seq the message's position in the client's stream
 * @param after the position of the same session's previous message to the same account that was not
 *     yet confirmed when this one was sent, or -1: the recipient handles that one first (see {@link
 *     ArrivalOrder})
 */
public record Confirmation(ActorRef<ClientInbox> session, long seq, long after) {
  public Confirmation(ActorRef<ClientInbox> session, long seq) {
    this(session, seq, -1);
  }

  /** Tells the session the message is handled. */
  public void confirm() {
    session.tell(new ClientInbox.Confirmed(seq));
  }

  /** Confirms {@code c} if there is one (stanzas other than messages travel without). */
  public static void confirm(Confirmation c) {
    if (c != null) {
      c.confirm();
    }
  }

  /** Whether both name the same message of the same session (a resend and its original). */
  public boolean sameMessage(Confirmation other) {
    return seq == other.seq && session.equals(other.session);
  }
}
