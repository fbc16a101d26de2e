package dev.switchboard.server.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Keeps one sending session's messages to this account in the order the client sent them, across
 * node failures.
 *
 * <p>Messages between nodes travel at most once. When a node dies with a message on its way (in the
 * sender's owner, or bound for this account's previous owner), the sending session sends it again
 * after a while; meanwhile its later messages may already have arrived here. So each message names,
 * in its {@link Confirmation#after()}, the session's previous message to this account that was not
 * yet confirmed when it was sent. A message whose predecessor has not been handled here waits for
 * it; the session's resends name a fresh predecessor (none once it is confirmed), and after {@link
 * #MAX_WAIT} a message goes on regardless, so that nothing waits forever for a session that is
 * gone.
 */
public final class ArrivalOrder<T> {
  static final Duration MAX_WAIT = Duration.ofSeconds(25);

  /**
   * How long a sending session's last handled message is remembered. A message names its
   * predecessor only while its sender has not had the predecessor's confirmation, which leaves here
   * when the predecessor is handled; the two normally travel the same path, so the successor comes
   * right behind. One that comes later than this waits for its sender's resend (which names no
   * predecessor once that is confirmed) or {@link #MAX_WAIT}. Kept short because every remembered
   * sender is something the garbage collector copies (docs/benchmarks.md, "ArrivalOrder").
   */
  static final Duration REMEMBER = Duration.ofSeconds(2);

  private static final long REMEMBER_NANOS = REMEMBER.toNanos();

  private static final int MAX_SENDERS = 1024;
  private static final int MAX_HELD = 1000;
  private static final int MIN_CAPACITY = 8;

  private record Held<T>(T item, Confirmation confirmation, long since) {}

  /*
   * Per sending session, its highest handled stream sequence and when: an open-addressed table in
   * three parallel arrays, updated in place, rather than a map entry per sender, which lived long
   * enough to be copied by young collections (docs/benchmarks.md). An entry past REMEMBER keeps its
   * slot until the table is rebuilt, which happens when it fills up.
   */
  private ActorRef<?>[] senders;
  private long[] seqs;
  private long[] times;
  private int used;
  private long latest;

  private final List<Held<T>> held = new ArrayList<>();

  /** Whether the message may be handled now; if not, it is held until {@link #releasable}. */
  public boolean admit(T item, Confirmation a, long now) {
    if (a == null || a.after() < 0 || isHandled(a.session(), a.after(), now)) {
      if (a != null && !held.isEmpty()) {
        // a resend that may go now makes the copy that still waits for its predecessor redundant
        held.removeIf(h -> h.confirmation().sameMessage(a));
      }
      return true;
    }
    // a resend replaces the copy that waits: it names the predecessor as the sender sees it now
    held.removeIf(h -> h.confirmation().sameMessage(a));
    if (held.size() >= MAX_HELD) {
      return true;
    }
    held.add(new Held<>(item, a, now));
    return false;
  }

  /** A held message that may go now, with its confirmation. */
  public record Released<T>(T item, Confirmation confirmation) {}

  /** Records that the message with this acknowledgement has been handled. */
  public void handled(Confirmation a, long now) {
    if (a == null) {
      return;
    }
    latest = now;
    int i = slotOf(a.session());
    if (i >= 0) {
      seqs[i] = fresh(i, now) ? Math.max(seqs[i], a.seq()) : a.seq();
      times[i] = now;
      return;
    }
    if (senders == null || used + 1 > senders.length / 2 || used >= MAX_SENDERS) {
      rebuild(now);
    }
    place(a.session(), a.seq(), now);
  }

  /** Puts a sender that is not in the table into its first free slot. */
  private void place(ActorRef<?> session, long seq, long at) {
    int mask = senders.length - 1;
    int j = home(session, mask);
    while (senders[j] != null) {
      j = (j + 1) & mask;
    }
    senders[j] = session;
    seqs[j] = seq;
    times[j] = at;
    used++;
  }

  /** How many sending sessions are remembered, as of the latest handled message. */
  public int remembered() {
    int n = 0;
    for (int i = 0; senders != null && i < senders.length; i++) {
      if (senders[i] != null && fresh(i, latest)) {
        n++;
      }
    }
    return n;
  }

  private boolean fresh(int slot, long now) {
    return within(times[slot], now);
  }

  private static boolean within(long at, long now) {
    return now - at < REMEMBER_NANOS;
  }

  private static int home(ActorRef<?> session, int mask) {
    return (session.hashCode() * 0x9E3779B9) >>> 7 & mask;
  }

  private int slotOf(ActorRef<?> session) {
    if (senders == null) {
      return -1;
    }
    int mask = senders.length - 1;
    for (int i = home(session, mask); senders[i] != null; i = (i + 1) & mask) {
      if (senders[i].equals(session)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Keeps the entries within REMEMBER in a table at most a quarter full, and of those only the most
   * recently updated three quarters of {@link #MAX_SENDERS}, so that even an account hearing from
   * ever more senders rebuilds only every few hundred messages.
   */
  private void rebuild(long now) {
    if (senders == null) {
      senders = new ActorRef<?>[MIN_CAPACITY];
      seqs = new long[MIN_CAPACITY];
      times = new long[MIN_CAPACITY];
      return;
    }
    ActorRef<?>[] oldSenders = senders;
    long[] oldSeqs = seqs;
    long[] oldTimes = times;
    int live = 0;
    for (int i = 0; i < oldSenders.length; i++) {
      if (oldSenders[i] != null && within(oldTimes[i], now)) {
        live++;
      }
    }
    long maxAge = REMEMBER_NANOS - 1;
    int keep = MAX_SENDERS * 3 / 4;
    if (live > keep) {
      long[] ages = new long[live];
      int k = 0;
      for (int i = 0; i < oldSenders.length; i++) {
        if (oldSenders[i] != null && within(oldTimes[i], now)) {
          ages[k++] = now - oldTimes[i];
        }
      }
      Arrays.sort(ages);
      live = keep;
      maxAge = ages[live - 1];
    }
    int capacity = MIN_CAPACITY;
    while (capacity < (live + 1) * 4 && capacity < MAX_SENDERS * 2) {
      capacity <<= 1;
    }
    if (oldSenders.length >= capacity && oldSenders.length <= capacity * 4) {
      // the same arrays again (the steady state): new ones would live long enough to be copied
      // by a young GC, the copies taken here die before it
      senders = oldSenders;
      seqs = oldSeqs;
      times = oldTimes;
      oldSenders = oldSenders.clone();
      oldSeqs = oldSeqs.clone();
      oldTimes = oldTimes.clone();
      Arrays.fill(senders, null);
    } else {
      senders = new ActorRef<?>[capacity];
      seqs = new long[capacity];
      times = new long[capacity];
    }
    used = 0;
    for (int i = 0; i < oldSenders.length && used < live; i++) {
      // ties at maxAge could exceed live: the count stops them
      if (oldSenders[i] != null && now - oldTimes[i] <= maxAge) {
        place(oldSenders[i], oldSeqs[i], oldTimes[i]);
      }
    }
  }

  /**
   * Takes out the held messages that may go now, in the order they came: their predecessor was
   * handled, or they waited {@link #MAX_WAIT}. Call after each handled message and from a timer.
   */
  public List<Released<T>> releasable(long now) {
    List<Released<T>> out = new ArrayList<>();
    boolean progress = true;
    while (progress && !held.isEmpty()) {
      progress = false;
      for (Iterator<Held<T>> i = held.iterator(); i.hasNext(); ) {
        Held<T> h = i.next();
        Confirmation a = h.confirmation();
        if (isHandled(a.session(), a.after(), now) || now - h.since() >= MAX_WAIT.toNanos()) {
          i.remove();
          out.add(new Released<>(h.item(), a));
          handled(a, now);
          progress = true;
        }
      }
    }
    return out;
  }

  public boolean isEmpty() {
    return held.isEmpty();
  }

  private boolean isHandled(ActorRef<?> session, long seq, long now) {
    int i = slotOf(session);
    return i >= 0 && seqs[i] >= seq && fresh(i, now);
  }
}
