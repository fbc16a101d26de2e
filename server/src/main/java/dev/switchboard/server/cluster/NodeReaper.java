package dev.switchboard.server.cluster;

import dev.switchboard.xmpp.Jid;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Ends the sessions of nodes that are gone. When a node dies it is downed by the split-brain
 * resolver and removed; the leader among the survivors then tells the owner of every account that
 * had a session there (from the session registry) that it is gone, so those sessions end properly:
 * contacts get unavailable presence and messages go to offline storage. Owners on surviving nodes
 * also see the sessions terminate; an owner that died with the node learns it only this way.
 *
 * <p>Messages between nodes may be lost (right after a node dies, a message can still be routed to
 * it), so the reaper repeats itself every few seconds until the owners have taken the node's
 * sessions out of the registry. A slower sweep also catches sessions recorded by nodes that are no
 * longer members at all (after the whole cluster restarted, say).
 */
public final class NodeReaper {
  private static final Duration RETRY = Duration.ofSeconds(3);
  private static final Duration SWEEP = Duration.ofSeconds(60);

  /** The reaper's protocol: membership changes, its timers, and what the registry said. */
  public sealed interface Command {}

  private record Removed(ClusterEvent.MemberRemoved event) implements Command {}

  private record Retry() implements Command {}

  private record Sweep() implements Command {}

  private record Recorded(List<String> nodes) implements Command {}

  /** {@code sessions} is null when the registry could not be read. */
  private record Found(String node, List<Jid> sessions) implements Command {}

  /** Whom the reaper tells that an account's sessions died with a node. */
  @FunctionalInterface
  public interface SessionsLost {
    /** {@code resources} of {@code account} were bound on {@code node}, which is gone. */
    void lost(Jid account, String node, List<String> resources);
  }

  private NodeReaper() {}

  public static Behavior<Command> create(SessionRegistry registry, SessionsLost owners) {
    return Behaviors.setup(
        ctx -> {
          Cluster cluster = Cluster.get(ctx.getSystem());
          cluster
              .subscriptions()
              .tell(
                  Subscribe.create(
                      ctx.messageAdapter(ClusterEvent.MemberRemoved.class, Removed::new),
                      ClusterEvent.MemberRemoved.class));
          Set<String> dead = new HashSet<>();
          return Behaviors.withTimers(
              timers -> {
                timers.startTimerWithFixedDelay(new Retry(), RETRY);
                timers.startTimerWithFixedDelay(new Sweep(), SWEEP);
                return Behaviors.receive(Command.class)
                    .onMessage(
                        Removed.class,
                        r -> {
                          dead.add(r.event().member().uniqueAddress().toString());
                          return retry(ctx, cluster, registry, dead);
                        })
                    .onMessage(Retry.class, r -> retry(ctx, cluster, registry, dead))
                    .onMessage(
                        Sweep.class,
                        s -> {
                          if (leader(cluster)) {
                            ctx.pipeToSelf(
                                registry.nodes(),
                                (nodes, e) -> new Recorded(e == null ? nodes : List.of()));
                          }
                          return Behaviors.same();
                        })
                    .onMessage(
                        Recorded.class,
                        r -> {
                          Set<String> members = members(cluster);
                          r.nodes().stream().filter(n -> !members.contains(n)).forEach(dead::add);
                          return Behaviors.same();
                        })
                    .onMessage(
                        Found.class,
                        f -> {
                          if (f.sessions() == null) {
                            return Behaviors.same(); // the registry was not readable; next time
                          }
                          if (f.sessions().isEmpty()) {
                            dead.remove(f.node());
                          } else {
                            ctx.getLog()
                                .info(
                                    "node {} is gone with {} sessions; ending them",
                                    f.node(),
                                    f.sessions().size());
                            tell(owners, f.node(), f.sessions());
                          }
                          return Behaviors.same();
                        })
                    .build();
              });
        });
  }

  private static boolean leader(Cluster cluster) {
    return cluster.selfMember().address().equals(cluster.state().getLeader());
  }

  private static Set<String> members(Cluster cluster) {
    Set<String> members = new HashSet<>();
    for (Member m : cluster.state().getMembers()) {
      members.add(m.uniqueAddress().toString());
    }
    return members;
  }

  private static Behavior<Command> retry(
      ActorContext<Command> ctx, Cluster cluster, SessionRegistry registry, Set<String> dead) {
    if (!leader(cluster)) {
      return Behaviors.same();
    }
    for (String node : dead) {
      ctx.pipeToSelf(registry.on(node), (s, e) -> new Found(node, e == null ? s : null));
    }
    return Behaviors.same();
  }

  private static void tell(SessionsLost owners, String node, List<Jid> sessions) {
    Map<Jid, List<String>> byAccount = new LinkedHashMap<>();
    for (Jid full : sessions) {
      byAccount.computeIfAbsent(full.toBare(), k -> new ArrayList<>()).add(full.resource());
    }
    byAccount.forEach((account, resources) -> owners.lost(account, node, List.copyOf(resources)));
  }
}
