package dev.switchboard.server.session;

import dev.switchboard.server.stream.StreamInput;
import dev.switchboard.server.transport.XmppStreamHandler;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Carries one connection's events to its session actor. When a resumed stream (XEP-0198) moves the
 * session to a new connection, the old connection's sink is cut off, so nothing from the dead
 * connection reaches the session after the move.
 */
final class ConnectionSink implements XmppStreamHandler.SessionSink {
  private final ActorRef<SessionCommand> session;
  private volatile boolean cut;

  ConnectionSink(ActorRef<SessionCommand> session) {
    this.session = session;
  }

  void cut() {
    cut = true;
  }

  @Override
  public void input(StreamInput input) {
    if (!cut) {
      session.tell(new SessionCommand.Input(input));
    }
  }

  @Override
  public void connectionClosed() {
    if (!cut) {
      session.tell(new SessionCommand.ConnectionClosed());
    }
  }

  @Override
  public void idle() {
    if (!cut) {
      session.tell(new SessionCommand.IdleTimeout());
    }
  }
}
