package dev.switchboard.server.session;

import dev.switchboard.xmpp.Element;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * XEP-0198 stream management state of one session: the count of stanzas read from the client and
 * handled (what {@code <a h/>} reports), and the stanzas written to it that it has not yet
 * acknowledged. Counters run as longs here and go on the wire modulo 2^32, as the XEP asks.
 *
 * <p>Inbound stanzas are handled out of order (a message waits for its durable write, a presence
 * does not), but {@code h} only counts the unbroken run from the start.
 */
final class StreamManagement {
  static final String NS = SmElements.NS;
  private static final long MOD = 1L << 32;

  /** A stanza written to the client, waiting for its acknowledgement. */
  record Unacked(Element stanza, String storedKey) {}

  private boolean enabled;
  private boolean resumable;
  private String id;
  private int maxResumeSeconds;

  private long nextInbound;
  private long handled;

  /** Stanzas read before SM was enabled: they do not count in {@code h}. */
  private long base;

  private final TreeSet<Long> handledAhead = new TreeSet<>();
  private long ackRequestedAt = -1;

  private long acked;
  private final ArrayDeque<Unacked> unacked = new ArrayDeque<>();
  private int sinceRequest;

  boolean enabled() {
    return enabled;
  }

  boolean resumable() {
    return resumable;
  }

  String id() {
    return id;
  }

  int maxResumeSeconds() {
    return maxResumeSeconds;
  }

  void enable(String smId, boolean resume, int maxSeconds) {
    enabled = true;
    base = nextInbound;
    resumable = resume;
    id = smId;
    maxResumeSeconds = maxSeconds;
  }

  // ---- inbound ----

  /** Numbers the next stanza read from the client. */
  long received() {
    return nextInbound++;
  }

  /** Marks stanza {@code seq} handled; true when the handled count moved. */
  boolean handled(long seq) {
    if (seq != handled) {
      if (seq > handled) {
        handledAhead.add(seq);
      }
      return false;
    }
    handled++;
    while (!handledAhead.isEmpty() && handledAhead.first() == handled) {
      handledAhead.pollFirst();
      handled++;
    }
    return true;
  }

  /** The {@code h} to report: stanzas handled, modulo 2^32. */
  long h() {
    return Math.max(0, handled - base) % MOD;
  }

  /** The client asked {@code <r/>}: remembers to answer again once what it sent is all handled. */
  void ackRequested() {
    ackRequestedAt = handled < nextInbound ? nextInbound : -1;
  }

  /** Whether an earlier request is now fully answered and deserves an unrequested {@code <a/>}. */
  boolean owesAck() {
    if (ackRequestedAt >= 0 && handled >= ackRequestedAt) {
      ackRequestedAt = -1;
      return true;
    }
    return false;
  }

  // ---- outbound ----

  void sent(Element stanza, String storedKey) {
    unacked.add(new Unacked(stanza, storedKey));
    sinceRequest++;
  }

  int unackedCount() {
    return unacked.size();
  }

  /** True every few unacknowledged stanzas: time to send {@code <r/>}. */
  boolean shouldRequest(int every) {
    if (sinceRequest >= every) {
      sinceRequest = 0;
      return true;
    }
    return false;
  }

  void requested() {
    sinceRequest = 0;
  }

  /**
   * Applies the client's {@code h} and returns what it acknowledged, oldest first; null when {@code
   * h} acknowledges more than was sent (the caller ends the stream).
   */
  List<Unacked> acknowledge(long h) {
    long delta = Math.floorMod(h - acked, MOD);
    if (delta > unacked.size()) {
      return null;
    }
    List<Unacked> done = new ArrayList<>((int) delta);
    for (long i = 0; i < delta; i++) {
      done.add(unacked.poll());
    }
    acked += delta;
    return done;
  }

  /** The number of stanzas sent so far, modulo 2^32 (for error reports). */
  long sentCount() {
    return (acked + unacked.size()) % MOD;
  }

  /** Everything unacknowledged, in order, leaving the queue empty. */
  List<Unacked> drain() {
    List<Unacked> all = new ArrayList<>(unacked);
    acked += unacked.size();
    unacked.clear();
    return all;
  }

  /** The unacknowledged stanzas, in order, without removing them (to resend on resumption). */
  List<Unacked> pending() {
    return List.copyOf(unacked);
  }
}
