package dev.switchboard.server.module;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The actors one module runs for one hosted domain: plain actors under a guardian of the module's
 * own (stopped, with everything under it, when the module stops), and sharded entities placed by
 * Cluster Sharding across the cluster (one room per actor, say), which move when their node leaves.
 * Call from {@link Module#start}.
 */
public final class ModuleActors {
  private static final Duration SPAWN_TIMEOUT = Duration.ofSeconds(10);

  private sealed interface Command {}

  private record Spawn<T>(Behavior<T> behavior, String name, ActorRef<ActorRef<T>> replyTo)
      implements Command {}

  private record Stop() implements Command {}

  private final ActorSystem<?> system;
  private final String guardianName;
  private ActorRef<Command> guardian;

  ModuleActors(ActorSystem<?> system, String module, String domain) {
    this.system = system;
    this.guardianName =
        "module-" + module + "-" + URLEncoder.encode(domain, StandardCharsets.UTF_8);
  }

  /** Starts an actor under the module's guardian; it stops when the module stops. */
  public <T> ActorRef<T> spawn(Behavior<T> behavior, String name) {
    ActorRef<Command> g = guardian();
    return AskPattern.<Command, ActorRef<T>>ask(
            g, replyTo -> new Spawn<>(behavior, name, replyTo), SPAWN_TIMEOUT, system.scheduler())
        .toCompletableFuture()
        .join();
  }

  /**
   * Runs entities of {@code type} with Cluster Sharding on every node that starts this module;
   * returns how to reach one by its id. {@code stop} is the message that passivates an entity or
   * moves it.
   */
  public <T> Function<String, EntityRef<T>> sharded(
      EntityTypeKey<T> type, Function<EntityContext<T>, Behavior<T>> create, T stop) {
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(Entity.of(type, create::apply).withStopMessage(stop));
    return id -> sharding.entityRefFor(type, id);
  }

  /** Stops the guardian and every actor under it. */
  void stopAll() {
    if (guardian != null) {
      guardian.tell(new Stop());
      guardian = null;
    }
  }

  private synchronized ActorRef<Command> guardian() {
    if (guardian == null) {
      guardian = system.systemActorOf(guardianBehavior(), guardianName, Props.empty());
    }
    return guardian;
  }

  @SuppressWarnings("unchecked") // a Spawn's reply type matches its behavior's, by construction
  private static Behavior<Command> guardianBehavior() {
    return Behaviors.setup(
        ctx ->
            Behaviors.receive(Command.class)
                .onMessage(
                    Spawn.class,
                    spawn -> {
                      spawnChild(ctx, (Spawn<Object>) spawn);
                      return Behaviors.same();
                    })
                .onMessage(Stop.class, s -> Behaviors.stopped())
                .build());
  }

  private static <T> void spawnChild(
      org.apache.pekko.actor.typed.javadsl.ActorContext<Command> ctx, Spawn<T> spawn) {
    spawn.replyTo().tell(ctx.spawn(spawn.behavior(), spawn.name()));
  }
}
