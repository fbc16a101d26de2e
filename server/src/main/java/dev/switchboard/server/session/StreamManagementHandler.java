package dev.switchboard.server.session;

import dev.switchboard.server.delivery.Delivery;
import dev.switchboard.server.session.SessionCommand.TakeOver;
import dev.switchboard.server.session.SessionCommand.TakeOverAnswer;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.StreamErrorCondition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * XEP-0198 stream management for one session: {@code <enable/>}, acknowledgements both ways,
 * resumption of a detached session on a new connection, and {@code <failed/>}. The counters and the
 * queue of unacknowledged stanzas are {@link StreamManagement}'s.
 *
 * <p>What the client's {@code <a h/>} means here, and what the server's means, is in
 * docs/architecture.md ("Delivery confirmation"): the server counts a message the client sent only
 * once it is handled (durable or delivered), and takes a stanza it wrote as delivered only once the
 * client acknowledges it.
 */
final class StreamManagementHandler {
  /** Unacknowledged stanzas after which the client is asked for an acknowledgement. */
  private static final int REQUEST_EVERY = 5;

  /** How long a written stanza may wait before the client is asked to acknowledge it. */
  private static final Duration REQUEST_AFTER = Duration.ofSeconds(1);

  /** Unacknowledged stanzas a session may hold; beyond it the stream ends. */
  private static final int MAX_UNACKNOWLEDGED = 10_000;

  private static final Duration TAKE_OVER_WAIT = Duration.ofSeconds(5);

  private final SessionCore core;
  private final StreamManagement sm = new StreamManagement();
  private boolean detached;

  StreamManagementHandler(SessionCore core) {
    this.core = core;
  }

  boolean enabled() {
    return sm.enabled();
  }

  /** Whether the connection is gone and the session waits to be resumed. */
  boolean detached() {
    return detached;
  }

  // ---- the client's stanzas: counted, and acknowledged once handled ----

  /** Numbers the next stanza read from the client. */
  long received() {
    return sm.received();
  }

  /** The client's stanza {@code seq} is handled; answers an earlier {@code <r/>} if now due. */
  void handled(long seq) {
    if (sm.handled(seq) && sm.enabled() && !detached && sm.owesAck()) {
      write(SmElements.answer(sm.h()));
    }
  }

  // ---- nonzas ----

  /** An element in {@code urn:xmpp:sm:3}; {@code beforeBind}: no resource is bound yet. */
  void nonza(Element e, boolean beforeBind) {
    if (beforeBind) {
      beforeBind(e);
      return;
    }
    switch (e.name()) {
      case "enable" -> enable(e);
      case "r" -> {
        if (sm.enabled()) {
          sm.ackRequested();
          write(SmElements.answer(sm.h()));
        }
      }
      case "a" -> clientAcknowledged(e);
      default -> write(SmElements.failed("unexpected-request", null));
    }
  }

  /** After authentication, before binding: only {@code <resume/>} makes sense. */
  private void beforeBind(Element e) {
    if (!e.name().equals("resume")) {
      // enable before bind, or anything else: XEP-0198 says unexpected-request
      write(SmElements.failed("unexpected-request", null));
      core.connection().readMore(false, false);
      return;
    }
    long h;
    try {
      h = Long.parseLong(String.valueOf(e.attr("h")));
    } catch (NumberFormatException bad) {
      h = -1;
    }
    String previd = e.attr("previd");
    if (previd == null || h < 0 || h > 0xFFFFFFFFL) {
      write(SmElements.failed("bad-request", null));
      core.connection().readMore(false, false);
      return;
    }
    resume(previd, h);
  }

  private void enable(Element e) {
    if (sm.enabled()) {
      write(SmElements.failed("unexpected-request", null));
      return;
    }
    boolean resume = "true".equals(e.attr("resume")) || "1".equals(e.attr("resume"));
    int max = (int) core.services().config().maxResumeTime().toSeconds();
    String asked = e.attr("max");
    if (asked != null) {
      try {
        max = Math.max(1, Math.min(max, Integer.parseInt(asked)));
      } catch (NumberFormatException ignored) {
        // keep the server's maximum
      }
    }
    String id = core.services().ids().get();
    sm.enable(id, resume, max);
    if (resume) {
      core.services().resumable().register(id, core.self());
    }
    write(SmElements.enabled(resume ? id : null, max));
  }

  private void clientAcknowledged(Element e) {
    if (!sm.enabled()) {
      return;
    }
    long h;
    try {
      h = Long.parseLong(String.valueOf(e.attr("h")));
    } catch (NumberFormatException bad) {
      core.failNow(StreamErrorCondition.UNDEFINED_CONDITION, "malformed h");
      return;
    }
    List<StreamManagement.Unacked> done = sm.acknowledge(h);
    if (done == null) {
      core.failNow(
          StreamErrorCondition.UNDEFINED_CONDITION,
          "h=" + h + " acknowledges more than the " + sm.sentCount() + " stanzas sent");
      return;
    }
    acknowledged(done);
  }

  /** Stored copies of what the client acknowledged may go. */
  private void acknowledged(List<StreamManagement.Unacked> done) {
    List<String> keys = new ArrayList<>();
    for (StreamManagement.Unacked u : done) {
      if (u.storedKey() != null) {
        keys.add(u.storedKey());
      }
    }
    core.owner().storedAcknowledged(keys);
  }

  // ---- the stanzas the session writes ----

  /**
   * A stanza is about to be written: counted for the client's acknowledgements. False when it must
   * not be written now: kept for the resumption (detached), or the session failed (too many
   * unacknowledged).
   */
  boolean beforeWrite(Element stanza, String storedKey) {
    if (!sm.enabled()) {
      if (storedKey != null) {
        // no acknowledgements on this stream: written counts as received
        core.owner().storedAcknowledged(List.of(storedKey));
      }
      return true;
    }
    if (sm.unackedCount() >= MAX_UNACKNOWLEDGED) {
      core.failNow(StreamErrorCondition.POLICY_VIOLATION, "too many unacknowledged stanzas");
      return false;
    }
    sm.sent(stanza, storedKey);
    return !detached;
  }

  /** A stanza was written: asks for an acknowledgement every few, or after a moment. */
  void afterWrite() {
    if (!sm.enabled()) {
      return;
    }
    if (sm.shouldRequest(REQUEST_EVERY)) {
      write(SmElements.request());
    } else if (!core.timers().isTimerActive("request-ack")) {
      core.timers().startSingleTimer("request-ack", new SessionCommand.RequestAck(), REQUEST_AFTER);
    }
  }

  /** The request timer fired. */
  void requestDue() {
    if (sm.enabled() && !detached && !core.closing() && sm.unackedCount() > 0) {
      sm.requested();
      write(SmElements.request());
    }
  }

  // ---- losing the connection, and resuming on another ----

  /**
   * The connection is gone. True when the session stays, detached, for a resumption (its client's
   * presence stays too); false when it ends.
   */
  boolean connectionLost(boolean established) {
    if (sm.resumable() && established && !core.closing()) {
      detached = true;
      core.timers()
          .startSingleTimer(
              "resume-timeout",
              new SessionCommand.ResumeTimeout(),
              Duration.ofSeconds(sm.maxResumeSeconds()));
      return true;
    }
    return false;
  }

  /** The new connection's side: find the detached session and ask it to take this one over. */
  private void resume(String previd, long h) {
    var old = core.services().resumable().find(previd);
    if (old.isEmpty()) {
      write(
          SmElements.failed(
              "item-not-found", core.services().resumable().endedWith(previd).orElse(null)));
      core.connection().readMore(false, false);
      return;
    }
    old.get().tell(new TakeOver(core.connection(), core.state().username(), h, core.self()));
    core.timers()
        .startSingleTimer(
            "take-over",
            new TakeOverAnswer(false, null, "the old session did not answer"),
            TAKE_OVER_WAIT);
  }

  /**
   * The old session answered. True when it took the connection over: this session then simply goes
   * away, leaving the connection to it.
   */
  boolean takeOverAnswered(TakeOverAnswer a) {
    core.timers().cancel("take-over");
    if (a.ok()) {
      return true;
    }
    write(SmElements.failed("item-not-found", a.h()));
    core.connection().readMore(false, false);
    return false;
  }

  /** The old session's side: adopt the new connection, resend what was not acknowledged. */
  void takeOver(TakeOver t) {
    if (core.closing() || !sm.resumable() || !t.username().equals(core.state().username())) {
      t.replyTo().tell(new TakeOverAnswer(false, null, "not resumable"));
      return;
    }
    List<StreamManagement.Unacked> done = sm.acknowledge(t.h());
    if (done == null) {
      t.replyTo().tell(new TakeOverAnswer(false, sm.h(), "h too high"));
      return;
    }
    acknowledged(done);
    core.connection().abort(); // the client has moved on; its old connection is dead to it
    core.useConnection(t.connection());
    detached = false;
    core.timers().cancel("resume-timeout");
    t.replyTo().tell(new TakeOverAnswer(true, null, null));
    write(SmElements.resumed(sm.id(), sm.h()));
    for (StreamManagement.Unacked u : sm.pending()) {
      write(u.stanza());
    }
    core.connection().readMore(false, true);
    if (sm.unackedCount() > 0) {
      sm.requested();
      write(SmElements.request());
    }
  }

  /** The session ends: what its client never acknowledged, and the resumption's tombstone. */
  List<Delivery> ended() {
    if (sm.resumable()) {
      core.services().resumable().ended(sm.id(), sm.h());
    }
    List<Delivery> unacknowledged = new ArrayList<>();
    for (StreamManagement.Unacked u : sm.drain()) {
      unacknowledged.add(new Delivery(u.stanza(), u.storedKey()));
    }
    return unacknowledged;
  }

  private void write(Element e) {
    if (!detached) {
      core.connection().send(e);
    }
  }
}
