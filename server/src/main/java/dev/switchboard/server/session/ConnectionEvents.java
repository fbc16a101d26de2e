package dev.switchboard.server.session;

import dev.switchboard.server.delivery.ClientInbox;
import dev.switchboard.server.stream.ClientConnection;
import dev.switchboard.server.stream.StreamInput;
import org.apache.pekko.actor.typed.ActorRef;

/** Turns what a connection reports into messages to its session actor. */
final class ConnectionEvents implements ClientConnection.Listener {
  private final ActorRef<ClientInbox> session;

  ConnectionEvents(ActorRef<ClientInbox> session) {
    this.session = session;
  }

  @Override
  public void input(StreamInput input) {
    session.tell(new SessionCommand.Input(input));
  }

  @Override
  public void closed() {
    session.tell(new SessionCommand.ConnectionClosed());
  }

  @Override
  public void idle() {
    session.tell(new SessionCommand.IdleTimeout());
  }
}
