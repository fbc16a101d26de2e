package dev.switchboard.server.delivery;

import dev.switchboard.xmpp.Element;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The sending session's side of delivery confirmation: the messages it read from its client and has
 * not yet had confirmed, by stream position. Messages between nodes travel at most once, so one not
 * confirmed within {@link #RESEND_AFTER} is sent again with a fresh confirmation; the recipient
 * recognises a copy that did arrive by its {@link ResendKey}.
 *
 * <p>A session holds at most {@link #WINDOW} unconfirmed messages before it stops reading from its
 * client (see {@link #full}), so what waits in the server for a sender stays bounded, and under
 * overload a message waits in the client's socket rather than in the server long enough to be
 * resent (resends of everything older than ten seconds were what made the durable path collapse).
 *
 * <p>Runs on the session actor's thread.
 */
public final class Unconfirmed {
  public static final Duration RESEND_AFTER = Duration.ofSeconds(10);

  /**
   * How often the session looks for messages due for a resend: each goes {@link #RESEND_AFTER}
   * after it was last sent, not up to a whole period later (the client's acknowledgements wait for
   * the oldest one).
   */
  public static final Duration CHECK_EVERY = Duration.ofSeconds(1);

  /** Unconfirmed messages a session holds before it stops reading from its client. */
  public static final int WINDOW = 8;

  private static final long RESEND_NANOS = RESEND_AFTER.toNanos();

  /** A message sent again, and the confirmation it travels with this time. */
  public record Resend(Element message, Confirmation confirmation) {}

  private record Pending(Element message, String account, long since) {}

  private final ActorRef<ClientInbox> session;
  private final Map<Long, Pending> bySeq = new LinkedHashMap<>();

  public Unconfirmed(ActorRef<ClientInbox> session) {
    this.session = session;
  }

  /**
   * Remembers message {@code seq}, bound for {@code account} (a bare JID), until it is confirmed;
   * returns the confirmation it travels with.
   */
  public Confirmation track(long seq, Element message, String account, long now) {
    Confirmation c = new Confirmation(session, seq, before(seq, account));
    bySeq.put(seq, new Pending(message, account, now));
    return c;
  }

  /** Message {@code seq} is confirmed; false if it was not waiting (not a message, or a repeat). */
  public boolean confirmed(long seq) {
    return bySeq.remove(seq) != null;
  }

  public boolean isEmpty() {
    return bySeq.isEmpty();
  }

  public int size() {
    return bySeq.size();
  }

  /** Whether the session should stop reading from its client until some are confirmed. */
  public boolean full() {
    return bySeq.size() >= WINDOW;
  }

  /** Whether a session that stopped reading may read again (half the window is free). */
  public boolean roomAgain() {
    return bySeq.size() <= WINDOW / 2;
  }

  /** The messages unconfirmed for {@link #RESEND_AFTER}, oldest first; their clocks restart. */
  public List<Resend> due(long now) {
    List<Resend> out = new ArrayList<>();
    for (Map.Entry<Long, Pending> e : bySeq.entrySet()) {
      Pending p = e.getValue();
      if (now - p.since() >= RESEND_NANOS) {
        e.setValue(new Pending(p.message(), p.account(), now));
        out.add(
            new Resend(
                p.message(),
                new Confirmation(session, e.getKey(), before(e.getKey(), p.account()))));
      }
    }
    return out;
  }

  /** Makes every unconfirmed message due at once (the account's owner changed). */
  public void allDue(long now) {
    bySeq.replaceAll((seq, p) -> new Pending(p.message(), p.account(), now - RESEND_NANOS));
  }

  /**
   * The latest message before {@code seq} to the same account that is not confirmed yet, or -1: the
   * recipient handles that one first.
   */
  private long before(long seq, String account) {
    long before = -1;
    for (Map.Entry<Long, Pending> e : bySeq.entrySet()) {
      if (e.getKey() >= seq) {
        break;
      }
      if (e.getValue().account().equals(account)) {
        before = e.getKey();
      }
    }
    return before;
  }
}
