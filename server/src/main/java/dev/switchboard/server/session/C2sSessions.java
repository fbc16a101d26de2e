package dev.switchboard.server.session;

import dev.switchboard.server.delivery.ClientInbox;
import dev.switchboard.server.metrics.Metrics;
import dev.switchboard.server.stream.ClientConnection;
import dev.switchboard.xmpp.StreamErrorCondition;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The supervisor of this node's client sessions: spawns one actor per accepted connection and
 * watches it. A session that throws is stopped (its own PostStop sends the client
 * internal-server-error); nothing else is affected.
 */
public final class C2sSessions {
  /** The supervisor's protocol. */
  public sealed interface Command extends NoSerializationVerificationNeeded {}

  /** A connection was accepted; start its session. */
  public record Accept(ClientConnection connection) implements Command {}

  /**
   * Ask every session to end its stream with this error: {@code system-shutdown}, or {@code
   * see-other-host} with the host to use (when the node drains before leaving a cluster).
   */
  public record Shutdown(StreamErrorCondition condition, String text) implements Command {}

  private C2sSessions() {}

  public static Behavior<Command> create(SessionServices services) {
    Metrics metrics = services.metrics();
    // resumed, never restarted: a restart would stop every session this node has
    return Behaviors.supervise(behavior(services, metrics)).onFailure(SupervisorStrategy.resume());
  }

  private static Behavior<Command> behavior(SessionServices services, Metrics metrics) {
    return Behaviors.setup(
        ctx ->
            Behaviors.receive(Command.class)
                .onMessage(
                    Accept.class,
                    a -> {
                      ActorRef<ClientInbox> session =
                          ctx.spawnAnonymous(C2sSession.create(services, a.connection()));
                      ctx.watch(session);
                      return Behaviors.same();
                    })
                .onMessage(
                    Shutdown.class,
                    s -> {
                      ctx.getChildren()
                          .forEach(
                              c ->
                                  c.unsafeUpcast()
                                      .tell(new ClientInbox.Terminate(s.condition(), s.text())));
                      return Behaviors.same();
                    })
                .onSignal(
                    ChildFailed.class,
                    f -> {
                      metrics.sessionCrashed();
                      ctx.getLog()
                          .warn(
                              "session {} crashed and was stopped",
                              f.getRef().path().name(),
                              f.getCause());
                      return Behaviors.same();
                    })
                // a session that stopped normally: nothing to do, but it must be handled, or the
                // death pact would take this supervisor and every session with it
                .onSignal(Terminated.class, t -> Behaviors.same())
                .build());
  }
}
