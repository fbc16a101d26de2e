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

  /**
   * How long a sending session's last handled message is remembered. A message names its
   * predecessor only while its sender has not had the predecessor's confirmation, which leaves here
   * when the predecessor is handled; the two normally travel the same path, so the successor comes
   * right behind. One that comes later than this waits for its sender's resend (which names no
   * predecessor once that is confirmed) or {@link #MAX_WAIT}. Remembering senders for minutes
   * (1,024 per account) made a chat benchmark with random peers keep two million map entries that
   * G1 copied from survivor space to survivor space: young pauses of 40-90 ms, and the highest rate
   * with p99 under 50 ms went from about 11,300 to 22,700 msg/s with this window.
   */
  static final Duration REMEMBER = Duration.ofSeconds(2);

  private static final int MAX_SENDERS = 1024;
  private static final int MAX_HELD = 1000;

  private record Held(Incoming in, long since) {}

  /** A sending session's highest handled stream sequence, updated in place. */
  private static final class Last {
    long seq;
    long at;

    Last(long seq, long at) {
      this.seq = seq;
      this.at = at;
    }
  }

  /** Per sending session, oldest update first (insertion order, moved to the end on update). */
  private final LinkedHashMap<ActorRef<?>, Last> lastHandled = new LinkedHashMap<>();

  private final List<Held> held = new ArrayList<>();

  /** Whether the message may be handled now; if not, it is held until {@link #releasable}. */
  boolean admit(Incoming in, long now) {
    Ack a = in.ack();
    if (a == null || a.after() < 0 || isHandled(a.session(), a.after(), now)) {
      if (a != null && !held.isEmpty()) {
        // a resend that may go now makes the copy that still waits for its predecessor redundant
        held.removeIf(h -> sameMessage(h.in().ack(), a));
      }
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
  void handled(Ack a, long now) {
    if (a == null) {
      return;
    }
    forgetOlderThan(now - REMEMBER.toNanos());
    Last last = lastHandled.get(a.session());
    if (last == null) {
      if (lastHandled.size() >= MAX_SENDERS) {
        lastHandled.pollFirstEntry();
      }
      last = new Last(a.seq(), now);
    } else {
      last.seq = Math.max(last.seq, a.seq());
      last.at = now;
    }
    // moved to the end (the node relinked, not reallocated): the map stays ordered by update time
    lastHandled.putLast(a.session(), last);
  }

  /** How many sending sessions are remembered. */
  int remembered() {
    return lastHandled.size();
  }

  private void forgetOlderThan(long cutoff) {
    Map.Entry<ActorRef<?>, Last> first;
    while ((first = lastHandled.firstEntry()) != null && first.getValue().at - cutoff < 0) {
      lastHandled.pollFirstEntry();
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
        if (isHandled(a.session(), a.after(), now) || now - h.since() >= MAX_WAIT.toNanos()) {
          i.remove();
          out.add(h.in());
          handled(a, now);
          progress = true;
        }
      }
    }
    return out;
  }

  boolean isEmpty() {
    return held.isEmpty();
  }

  private boolean isHandled(ActorRef<?> session, long seq, long now) {
    Last last = lastHandled.get(session);
    return last != null && last.seq >= seq && now - last.at < REMEMBER.toNanos();
  }

  private static boolean sameMessage(Ack x, Ack y) {
    return x.seq() == y.seq() && x.session().equals(y.session());
  }
}
