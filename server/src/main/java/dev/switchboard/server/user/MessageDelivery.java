package dev.switchboard.server.user;

import dev.switchboard.server.delivery.Confirmation;
import dev.switchboard.server.delivery.Delivery;
import dev.switchboard.server.delivery.DurableWrites;
import dev.switchboard.server.hook.Hooks;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.MessageHints;
import dev.switchboard.xmpp.StanzaErrorCondition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An account's message path, owned by its user actor: nothing acknowledged is lost, and messages
 * between two parties keep their order.
 *
 * <p>Sending: the modules add durable writes ({@link AccountHooks#SENDING}: the sender's archive
 * copy); once they commit, the message is routed. Receiving: the modules add writes ({@link
 * AccountHooks#RECEIVING}: the recipient's archive copy); once they commit, the message is
 * delivered under RFC 6121 8.5, or stored by a module that takes undeliverable messages (offline
 * storage), or bounced. Only then is the sending session's {@link Confirmation} confirmed, so its
 * XEP-0198 acknowledgement means "durable or delivered". Each step says whether it handled the
 * message or passed it on with its confirmation, and the step queue confirms in one place.
 *
 * <p>Order: each step's continuation waits in a local queue behind earlier ones, whatever the order
 * their writes commit in; and while stored messages are being handed to a session that just became
 * available, live deliveries wait behind them.
 */
final class MessageDelivery {
  /** How the owning actor runs a stage's completion on its own thread. */
  interface Pipe {
    void committed(CompletionStage<Void> stage, long ticket);

    void flushed(CompletionStage<List<Delivery>> stage, String resource, long ticket);
  }

  private record Held(Jid to, Element stanza) {}

  private final UserContext ctx;
  private final UserServices services;
  private final Hooks hooks;
  private final Pipe pipe;
  private final ArrayDeque<Step> steps = new ArrayDeque<>();
  private final List<Held> held = new ArrayList<>();
  private long nextTicket;

  /**
   * Stored messages being loaded for sessions, by their step's ticket; live ones wait meanwhile.
   */
  private final Map<Long, CompletableFuture<Void>> flushGates = new HashMap<>();

  MessageDelivery(UserContext ctx, UserServices services, Hooks hooks, Pipe pipe) {
    this.hooks = hooks;
    this.ctx = ctx;
    this.services = services;
    this.pipe = pipe;
  }

  // ---- ordered durable steps ----

  /** What became of a message at a step: handled here, or passed on with its confirmation. */
  private enum Outcome {
    HANDLED,
    PASSED_ON
  }

  /** The rest of a step, run once its writes committed ({@code writeError} null) or failed. */
  @FunctionalInterface
  private interface Continuation {
    Outcome run(Throwable writeError);
  }

  private record Step(
      long ticket, CompletableFuture<Void> write, Confirmation confirmation, Continuation then) {}

  private static final DurableWrites NOTHING = new DurableWrites();

  /**
   * Runs {@code then} once {@code writes} committed and every earlier step has run; confirms {@code
   * confirmation} after it unless it passed the message on. The one place this account confirms a
   * message.
   */
  private void afterDurable(DurableWrites writes, Confirmation confirmation, Continuation then) {
    CompletableFuture<Void> write =
        writes.isEmpty()
            ? CompletableFuture.completedFuture(null)
            : services.committer().submit(writes.combined());
    long ticket = nextTicket++;
    steps.add(new Step(ticket, write, confirmation, then));
    if (steps.size() == 1 && write.isDone()) {
      drain();
    } else {
      pipe.committed(write, ticket);
    }
  }

  /** Whether messages are on their way through durable writes. */
  boolean busy() {
    return !steps.isEmpty();
  }

  /**
   * Runs {@code r} once every message before it has been passed on, so that other stanzas between
   * the same two parties never overtake a message (RFC 6120 10.1, in-order processing).
   */
  void afterPending(Runnable r) {
    afterDurable(
        NOTHING,
        null,
        error -> {
          r.run();
          return Outcome.HANDLED;
        });
  }

  /** A write finished: run every continuation at the head of the queue whose write is done. */
  void committed(long ticket) {
    drain();
  }

  private void drain() {
    while (!steps.isEmpty() && steps.peek().write().isDone()) {
      Step s = steps.poll();
      Throwable error = null;
      try {
        s.write().join();
      } catch (RuntimeException e) {
        error = e.getCause() != null ? e.getCause() : e;
      }
      if (s.then().run(error) == Outcome.HANDLED) {
        Confirmation.confirm(s.confirmation());
      }
    }
  }

  // ---- sending ----

  void send(SessionEntry from, Element message, Confirmation confirmation) {
    DurableWrites writes = new DurableWrites(message, confirmation);
    Element out =
        hooks
            .run(AccountHooks.SENDING, new AccountHooks.Sending(ctx, from, message, writes))
            .message();
    afterDurable(
        writes,
        confirmation,
        error -> {
          if (error != null) {
            services.router().bounce(out, StanzaErrorCondition.INTERNAL_SERVER_ERROR);
            return Outcome.HANDLED;
          }
          if (writes.isDuplicate()) {
            return Outcome.HANDLED; // a resend of a message already passed on
          }
          services.router().route(out, confirmation);
          return Outcome.PASSED_ON;
        });
  }

  // ---- receiving (RFC 6121 8.5) ----

  void receive(Element message, Confirmation confirmation) {
    String type = typeOf(message);
    if (type.equals("error") || !ctx.exists() || type.equals("groupchat")) {
      afterDurable(
          NOTHING,
          confirmation,
          error -> {
            if (type.equals("error")) {
              deliverToFullJid(message);
            } else {
              services.router().bounce(message, StanzaErrorCondition.SERVICE_UNAVAILABLE);
            }
            return Outcome.HANDLED;
          });
      return;
    }
    DurableWrites writes = new DurableWrites(message, confirmation);
    Element in =
        hooks
            .run(AccountHooks.RECEIVING, new AccountHooks.Receiving(ctx, message, writes))
            .message();
    afterDurable(
        writes,
        confirmation,
        error -> {
          if (error != null) {
            services.router().bounce(in, StanzaErrorCondition.INTERNAL_SERVER_ERROR);
            return Outcome.HANDLED;
          }
          if (writes.isDuplicate()) {
            return Outcome.HANDLED; // a resend of what this account already has
          }
          return deliverOrStore(in, confirmation);
        });
  }

  /** See {@link DurableWrites#key}. */
  private static String typeOf(Element m) {
    String t = m.attr("type");
    return t == null ? "normal" : t;
  }

  /** The sessions a message goes to now, per RFC 6121 8.5.2 and 8.5.3. */
  private List<SessionEntry> targets(Element m) {
    Jid to = m.toJid();
    if (to != null && to.isFull()) {
      SessionEntry s = ctx.session(to.resource()).orElse(null);
      if (s != null) {
        return List.of(s);
      }
    }
    List<SessionEntry> out = new ArrayList<>(2);
    for (SessionEntry s : ctx.sessions()) {
      if (s.available() && s.priority() >= 0) {
        out.add(s);
      }
    }
    return out;
  }

  private Outcome deliverOrStore(Element m, Confirmation confirmation) {
    Jid to = m.toJid();
    boolean fullJidGone = to != null && to.isFull() && ctx.session(to.resource()).isEmpty();
    String type = typeOf(m);
    if (fullJidGone && type.equals("headline")) {
      return Outcome.HANDLED; // RFC 6121 8.5.3.2.1: silently ignored
    }
    List<SessionEntry> targets = targets(m);
    if (!targets.isEmpty()) {
      for (SessionEntry s : targets) {
        deliver(s, m);
      }
      hooks.run(AccountHooks.DELIVERED, new AccountHooks.Delivered(ctx, m, targets));
      return Outcome.HANDLED;
    }
    if (type.equals("headline")) {
      return Outcome.HANDLED;
    }
    return store(m, confirmation);
  }

  private Outcome store(Element m, Confirmation confirmation) {
    DurableWrites writes = new DurableWrites();
    {
      if (hooks.run(AccountHooks.UNDELIVERABLE, new AccountHooks.Undeliverable(ctx, m, writes))
          == null) {
        afterDurable(
            writes,
            confirmation,
            error -> {
              if (error != null) {
                services.router().bounce(m, StanzaErrorCondition.SERVICE_UNAVAILABLE);
              }
              return Outcome.HANDLED;
            });
        return Outcome.PASSED_ON;
      }
    }
    // nothing to keep (a standalone chat state): dropped quietly rather than bounced
    if (MessageHints.hasContent(m) || MessageHints.store(m)) {
      services.router().bounce(m, StanzaErrorCondition.SERVICE_UNAVAILABLE);
    }
    return Outcome.HANDLED;
  }

  private void deliverToFullJid(Element m) {
    Jid to = m.toJid();
    if (to != null && to.isFull()) {
      ctx.session(to.resource()).ifPresent(s -> deliver(s, m));
    }
  }

  private void deliver(SessionEntry s, Element m) {
    if (!flushGates.isEmpty()) {
      held.add(new Held(s.jid(), m));
    } else {
      ctx.deliver(s, m);
    }
  }

  // ---- stanzas a session could not get to its client (XEP-0198 leftovers) ----

  /**
   * Stanzas an ending session wrote but its client never acknowledged: messages go to another
   * available resource or to storage (they are archived already; one that came from storage and
   * still carries its stored key is still stored); IQ requests get service-unavailable (XEP-0198
   * section 4); presence is dropped, it will be sent afresh. Messages from the account's own bare
   * JID are copies made for that one session (carbons, archive query results, PEP events): the
   * other sessions had their own, so they are dropped too.
   */
  void undelivered(List<Delivery> stanzas) {
    for (Delivery d : stanzas) {
      Element s = d.stanza();
      switch (s.name()) {
        case "message" -> {
          if (!typeOf(s).equals("error") && !ctx.jid().toString().equals(s.attr("from"))) {
            redeliver(s, d.storedKey());
          }
        }
        case "iq" -> {
          String t = s.attr("type");
          if ("get".equals(t) || "set".equals(t)) {
            services.router().bounce(s, StanzaErrorCondition.SERVICE_UNAVAILABLE);
          }
        }
        default -> {}
      }
    }
  }

  private void redeliver(Element m, String storedKey) {
    Element bare = m.withTo(ctx.jid());
    afterDurable(
        NOTHING,
        null,
        error -> {
          if (storedKey == null) {
            return deliverOrStore(bare, null);
          }
          // still in storage: another available resource may take it now, else it waits there
          for (SessionEntry s : targets(bare)) {
            ctx.deliver(s, new Delivery(bare, storedKey));
            break;
          }
          return Outcome.HANDLED;
        });
  }

  // ---- stored messages for a session that just became available ----

  void sessionAvailable(SessionEntry s) {
    AccountHooks.SessionAvailable available =
        new AccountHooks.SessionAvailable(ctx, s, new ArrayList<>());
    hooks.run(AccountHooks.SESSION_AVAILABLE, available);
    CompletionStage<List<Delivery>> all = CompletableFuture.completedFuture(new ArrayList<>());
    for (CompletionStage<List<Delivery>> stored : available.stored()) {
      all =
          all.thenCombine(
              stored,
              (acc, more) -> {
                acc.addAll(more);
                return acc;
              });
    }
    // a step in the ordered queue: whatever the account handles after this presence (an IQ, the
    // next live message) comes after the stored messages
    CompletableFuture<Void> gate = new CompletableFuture<>();
    long ticket = nextTicket++;
    steps.add(new Step(ticket, gate, null, error -> Outcome.HANDLED));
    flushGates.put(ticket, gate);
    pipe.flushed(all, s.resource(), ticket);
  }

  void flushed(String resource, List<Delivery> deliveries, long ticket) {
    ctx.session(resource)
        .ifPresent(
            s -> {
              for (Delivery d : deliveries) {
                ctx.deliver(s, d);
              }
            });
    CompletableFuture<Void> gate = flushGates.remove(ticket);
    if (flushGates.isEmpty() && !held.isEmpty()) {
      List<Held> release = List.copyOf(held);
      held.clear();
      for (Held h : release) {
        // the session may have ended meanwhile: then the message takes the normal path again
        ctx.session(h.to().resource())
            .ifPresentOrElse(s -> ctx.deliver(s, h.stanza()), () -> redeliver(h.stanza(), null));
      }
    }
    if (gate != null) {
      gate.complete(null);
      drain();
    }
  }
}
