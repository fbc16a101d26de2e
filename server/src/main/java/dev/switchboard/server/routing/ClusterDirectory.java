package dev.switchboard.server.routing;

import dev.switchboard.server.cluster.CborSerializable;
import dev.switchboard.xmpp.Element;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Named endpoints that accept stanzas, published to every node of the cluster through Pekko's
 * receptionist: the component domains this node serves, and this node's IQ reply inbox. A node that
 * has no handler of its own for a name forwards the stanza to a node that published it. Delivery
 * between nodes is at most once, like any stanza between nodes.
 */
public final class ClusterDirectory {
  private static final ServiceKey<Forward> KEY =
      ServiceKey.create(Forward.class, "switchboard-endpoints");

  /** A stanza for a named endpoint on another node. */
  public record Forward(Element stanza) implements CborSerializable {}

  private sealed interface Command extends NoSerializationVerificationNeeded {}

  private record Publish(String name, Consumer<Element> handler) implements Command {}

  private record Withdraw(String name) implements Command {}

  private record Listed(Receptionist.Listing listing) implements Command {}

  private volatile Map<String, ActorRef<Forward>> remote = Map.of();
  private final List<Command> early = new ArrayList<>();
  private ActorRef<Command> actor;

  /** Joins the cluster's directory; what was published before is published now. */
  public synchronized void start(ActorSystem<?> system) {
    actor = system.systemActorOf(behavior(), "endpoint-directory", Props.empty());
    early.forEach(actor::tell);
    early.clear();
  }

  /** Makes {@code handler} reachable from every node under {@code name}. */
  public void publish(String name, Consumer<Element> handler) {
    tell(new Publish(name, handler));
  }

  public void withdraw(String name) {
    tell(new Withdraw(name));
  }

  private synchronized void tell(Command c) {
    if (actor == null) {
      early.add(c);
    } else {
      actor.tell(c);
    }
  }

  /** An endpoint another node published under {@code name}, or null. */
  public ActorRef<Forward> remote(String name) {
    return remote.get(name);
  }

  private Behavior<Command> behavior() {
    return Behaviors.setup(
        ctx -> {
          ctx.getSystem()
              .receptionist()
              .tell(
                  Receptionist.subscribe(
                      KEY, ctx.messageAdapter(Receptionist.Listing.class, Listed::new)));
          Map<String, ActorRef<Forward>> mine = new HashMap<>();
          return Behaviors.receive(Command.class)
              .onMessage(
                  Publish.class,
                  p -> {
                    ActorRef<Forward> old = mine.remove(p.name());
                    if (old != null) {
                      ctx.stop(old);
                    }
                    Consumer<Element> handler = p.handler();
                    ActorRef<Forward> endpoint =
                        ctx.spawn(
                            Behaviors.receive(Forward.class)
                                .onMessage(
                                    Forward.class,
                                    f -> {
                                      handler.accept(f.stanza());
                                      return Behaviors.same();
                                    })
                                .build(),
                            encode(p.name()));
                    mine.put(p.name(), endpoint);
                    ctx.getSystem().receptionist().tell(Receptionist.register(KEY, endpoint));
                    return Behaviors.same();
                  })
              .onMessage(
                  Withdraw.class,
                  w -> {
                    ActorRef<Forward> old = mine.remove(w.name());
                    if (old != null) {
                      ctx.stop(old); // the receptionist drops a stopped endpoint by itself
                    }
                    return Behaviors.same();
                  })
              .onMessage(
                  Listed.class,
                  l -> {
                    Map<String, ActorRef<Forward>> others = new HashMap<>();
                    for (ActorRef<Forward> ref : l.listing().getServiceInstances(KEY)) {
                      if (ref.path().address().hasGlobalScope()) {
                        others.putIfAbsent(decode(ref.path().name()), ref);
                      }
                    }
                    remote = Map.copyOf(others);
                    return Behaviors.same();
                  })
              .build();
        });
  }

  private static String encode(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8);
  }

  private static String decode(String actorName) {
    return URLDecoder.decode(actorName, StandardCharsets.UTF_8);
  }
}
