package dev.switchboard.server.user;

import dev.switchboard.server.user.UserActor.Incoming;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Keeps one sending session's messages to this account in the order the client sent them, across
 * node failures.
 *
 * <p>Messages between nodes travel at most once. When a node dies with a message on its way (in the
 * sender's owner, or bound for this account's previous owner), the sending session sends it again
 * after a while; meanwhile its later messages may already have arrived here. So each message names,
 * in its {@link Ack#after()}, the session's previous message to this account that was not yet
 * confirmed when it was sent. A message whose predecessor has not been handled here waits for it;
 * the session's resends name a fresh predecessor (none once it is confirmed), and after {@link
 * #MAX_WAIT} a message goes on regardless, so that nothing waits forever for a session that is
 * gone.
 */
final class ArrivalOrder {
  static final Duration MAX_WAIT = Duration.ofSeconds(25);
  private static final int MAX_SENDERS = 1024;
  private static final int MAX_HELD = 1000;

  private record Held(Incoming in, long since) {}

  /** The highest stream sequence handled per sending session; the least recently used go. */
  private final Map<ActorRef<?>, Long> lastHandled =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ActorRef<?>, Long> eldest) {
          return size() > MAX_SENDERS;
        }
      };

  private final List<Held> held = new ArrayList<>();

  /** Whether the message may be handled now; if not, it is held until {@link #releasable}. */
  boolean admit(Incoming in, long now) {
    Ack a = in.ack();
    if (a == null || a.after() < 0 || isHandled(a.session(), a.after())) {
      return true;
    }
    // a resend replaces the copy that waits: it names the predecessor as the sender sees it now
    held.removeIf(h -> sameMessage(h.in().ack(), a));
    if (held.size() >= MAX_HELD) {
      return true;
    }
    held.add(new Held(in, now));
    return false;
  }

  /** Records that the message with this acknowledgement has been handled. */
  void handled(Ack a) {
    if (a != null) {
      lastHandled.merge(a.session(), a.seq(), Math::max);
    }
  }

  /**
   * Takes out the held messages that may go now, in the order they came: their predecessor was
   * handled, or they waited {@link #MAX_WAIT}. Call after each handled message and from a timer.
   */
  List<Incoming> releasable(long now) {
    List<Incoming> out = new ArrayList<>();
    boolean progress = true;
    while (progress && !held.isEmpty()) {
      progress = false;
      for (Iterator<Held> i = held.iterator(); i.hasNext(); ) {
        Held h = i.next();
        Ack a = h.in().ack();
        if (isHandled(a.session(), a.after()) || now - h.since() >= MAX_WAIT.toNanos()) {
          i.remove();
          out.add(h.in());
          handled(a);
          progress = true;
        }
      }
    }
    return out;
  }

  boolean isEmpty() {
    return held.isEmpty();
  }

  private boolean isHandled(ActorRef<?> session, long seq) {
    Long last = lastHandled.get(session);
    return last != null && last >= seq;
  }

  private static boolean sameMessage(Ack x, Ack y) {
    return x.seq() == y.seq() && x.session().equals(y.session());
  }
}
