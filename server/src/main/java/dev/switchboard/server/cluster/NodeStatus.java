package dev.switchboard.server.cluster;

import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/** One per node, registered with the receptionist: answers what the node is and how loaded. */
public final class NodeStatus {
  public static final ServiceKey<Command> KEY =
      ServiceKey.create(Command.class, "switchboard-node");

  /** The protocol. */
  public sealed interface Command extends CborSerializable {}

  /** Asks for this node's {@link NodeInfo}. */
  public record Get(ActorRef<NodeInfo> replyTo) implements Command {}

  private NodeStatus() {}

  public static Behavior<Command> create(Supplier<NodeInfo> info) {
    return Behaviors.setup(
        ctx -> {
          ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
          return Behaviors.receive(Command.class)
              .onMessage(
                  Get.class,
                  g -> {
                    g.replyTo().tell(info.get());
                    return Behaviors.same();
                  })
              .build();
        });
  }
}
