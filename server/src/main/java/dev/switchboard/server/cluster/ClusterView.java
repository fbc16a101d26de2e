package dev.switchboard.server.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Keeps a fresh picture of the cluster: every member with its status and, from each node's {@link
 * NodeStatus}, its load. Refreshed every second; readers (the admin HTTP endpoint, login
 * redirection) take the latest snapshot without waiting on anyone.
 */
public final class ClusterView {
  /** One member as last seen. */
  public record MemberView(String address, String status, NodeInfo info) {}

  /** The cluster as last seen. */
  public record Snapshot(String self, List<MemberView> members) {
    public static final Snapshot EMPTY = new Snapshot("", List.of());

    /** The least loaded other node that accepts clients, if any. */
    public Optional<NodeInfo> leastLoadedOther() {
      return members.stream()
          .filter(m -> !m.address().equals(self) && "Up".equals(m.status()) && m.info() != null)
          .map(MemberView::info)
          .filter(NodeInfo::accepting)
          .min(Comparator.comparingInt(NodeInfo::connections));
    }
  }

  /** Internal protocol: nobody outside sends it anything. */
  public sealed interface Command {}

  private record Tick() implements Command {}

  private record Listed(Set<ActorRef<NodeStatus.Command>> nodes) implements Command {}

  private record Answer(NodeInfo info) implements Command {}

  private ClusterView() {}

  public static Behavior<Command> create(AtomicReference<Snapshot> out) {
    return Behaviors.setup(
        ctx -> {
          Map<String, NodeInfo> infos = new HashMap<>();
          ActorRef<Receptionist.Listing> listings =
              ctx.messageAdapter(
                  Receptionist.Listing.class,
                  l -> new Listed(l.getServiceInstances(NodeStatus.KEY)));
          ActorRef<NodeInfo> answers = ctx.messageAdapter(NodeInfo.class, Answer::new);
          return Behaviors.withTimers(
              timers -> {
                timers.startTimerWithFixedDelay(new Tick(), Duration.ofSeconds(1));
                return Behaviors.receive(Command.class)
                    .onMessage(
                        Tick.class,
                        t -> {
                          ctx.getSystem()
                              .receptionist()
                              .tell(Receptionist.find(NodeStatus.KEY, listings));
                          out.set(snapshot(ctx.getSystem(), infos));
                          return Behaviors.same();
                        })
                    .onMessage(
                        Listed.class,
                        l -> {
                          l.nodes().forEach(n -> n.tell(new NodeStatus.Get(answers)));
                          return Behaviors.same();
                        })
                    .onMessage(
                        Answer.class,
                        a -> {
                          infos.put(a.info().address(), a.info());
                          return Behaviors.same();
                        })
                    .build();
              });
        });
  }

  private static Snapshot snapshot(
      org.apache.pekko.actor.typed.ActorSystem<?> system, Map<String, NodeInfo> infos) {
    Cluster cluster = Cluster.get(system);
    List<MemberView> members = new ArrayList<>();
    for (Member m : cluster.state().getMembers()) {
      String address = m.address().toString();
      members.add(new MemberView(address, m.status().toString(), infos.get(address)));
    }
    infos.keySet().retainAll(members.stream().map(MemberView::address).toList());
    return new Snapshot(cluster.selfMember().address().toString(), List.copyOf(members));
  }
}
