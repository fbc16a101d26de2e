package dev.switchboard.server.session;

import dev.switchboard.server.auth.SaslExchange;
import dev.switchboard.server.auth.SaslFailure;
import dev.switchboard.server.auth.SaslMechanism;
import dev.switchboard.server.auth.SaslStep;
import dev.switchboard.server.session.SessionCommand.BindAnswered;
import dev.switchboard.server.session.SessionCommand.ConnectionClosed;
import dev.switchboard.server.session.SessionCommand.Continue;
import dev.switchboard.server.session.SessionCommand.Deliver;
import dev.switchboard.server.session.SessionCommand.Handled;
import dev.switchboard.server.session.SessionCommand.HandshakeTimeout;
import dev.switchboard.server.session.SessionCommand.IdleTimeout;
import dev.switchboard.server.session.SessionCommand.InjectFailure;
import dev.switchboard.server.session.SessionCommand.Input;
import dev.switchboard.server.session.SessionCommand.OwnerLost;
import dev.switchboard.server.session.SessionCommand.RequestAck;
import dev.switchboard.server.session.SessionCommand.ResumeTimeout;
import dev.switchboard.server.session.SessionCommand.RetryUnhandled;
import dev.switchboard.server.session.SessionCommand.TakeOver;
import dev.switchboard.server.session.SessionCommand.TakeOverAnswer;
import dev.switchboard.server.session.SessionCommand.Terminate;
import dev.switchboard.server.stream.Phase;
import dev.switchboard.server.stream.StreamAction;
import dev.switchboard.server.stream.StreamInput;
import dev.switchboard.server.stream.StreamMachine;
import dev.switchboard.server.stream.StreamMachine.Transition;
import dev.switchboard.server.stream.StreamState;
import dev.switchboard.server.transport.GracefulClose;
import dev.switchboard.server.transport.XmppStreamHandler;
import dev.switchboard.server.user.Ack;
import dev.switchboard.server.user.Delivery;
import dev.switchboard.server.user.UserActor;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.Namespaces;
import dev.switchboard.xmpp.StanzaError;
import dev.switchboard.xmpp.StanzaErrorCondition;
import dev.switchboard.xmpp.StreamErrorCondition;
import dev.switchboard.xmpp.XmlWriter;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One client connection: an actor holding the stream machine's state, carrying out its actions, and
 * writing what the rest of the server delivers. It shares nothing with other sessions; if it
 * throws, its supervisor ends only this connection (with {@code internal-server-error}).
 *
 * <p>Nonzas: XEP-0198's are handled here; those in a namespace a module registered a {@link
 * SessionFilter} for go to this session's instance of it (made on the first such nonza), which from
 * then on may hold back stanzas on their way out (Client State Indication); any other nonza ends
 * the stream with {@code unsupported-stanza-type}. The session keeps no field for any one such
 * feature.
 */
public final class C2sSession extends AbstractBehavior<SessionCommand> {
  /** Pending outbound bytes beyond which a client that does not read is cut off. */
  private static final long MAX_PENDING_OUTPUT = 4L << 20;

  /** Unacknowledged stanzas after which the client is asked for an acknowledgement. */
  private static final int REQUEST_ACK_EVERY = 5;

  /** Unacknowledged stanzas a session may hold (XEP-0198); beyond it the stream ends. */
  private static final int MAX_UNACKED = 10_000;

  private final C2sServices services;
  private Channel channel;
  private XmppStreamHandler reader;
  private ConnectionSink sink;
  private final StreamMachine machine;
  private final StreamManagement sm = new StreamManagement();
  private final Map<String, SessionFilter> filters = new LinkedHashMap<>();
  private final TimerScheduler<SessionCommand> timers;
  private boolean detached;
  private boolean handedOff;
  private long currentSeq = -1;
  private boolean currentAwaitsAck;

  /** Messages read from the client and not yet confirmed handled, by their stream sequence. */
  private final Map<Long, Pending> awaitingAck = new LinkedHashMap<>();

  /**
   * @param to the bare JID the message is for (its account), for {@link Ack#after()}
   */
  private record Pending(Element stanza, String to, long since) {}

  private static final Duration RETRY_AFTER = Duration.ofSeconds(10);

  /**
   * How often unconfirmed messages are looked at: each is resent {@link #RETRY_AFTER} after it was
   * last sent, not up to a whole period later (the client's acks wait for the oldest one).
   */
  private static final Duration RETRY_CHECK = Duration.ofSeconds(1);

  // one serialisation buffer per dispatcher thread instead of a new one (grown twice) per stanza
  private static final ThreadLocal<StringBuilder> SCRATCH =
      ThreadLocal.withInitial(() -> new StringBuilder(1024));
  private static final int MAX_SCRATCH_CHARS = 64 * 1024;

  private final ActorRef<UserActor.BindResult> bindReplies;
  private StreamState state;
  private SaslExchange sasl;
  private String pendingBindId;
  private Element finalPresence;
  private Element lastPresence;

  /** What the owner asked to be handed to its successor ({@link SessionCommand.KeepForRebind}). */
  private final Map<String, String> keptForRebind = new LinkedHashMap<>();

  private boolean closing;
  private boolean pingOutstanding;
  private long loginStarted;
  private long pings;

  public static Behavior<SessionCommand> create(
      C2sServices services, Channel channel, XmppStreamHandler reader, boolean directTls) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startSingleTimer(
                      new HandshakeTimeout(), services.config().c2s().handshakeTimeout());
                  return new C2sSession(ctx, timers, services, channel, reader, directTls);
                }));
  }

  private C2sSession(
      ActorContext<SessionCommand> ctx,
      TimerScheduler<SessionCommand> timers,
      C2sServices services,
      Channel channel,
      XmppStreamHandler reader,
      boolean directTls) {
    super(ctx);
    this.services = services;
    this.channel = channel;
    this.reader = reader;
    this.machine = services.streamMachine();
    this.state = StreamState.initial(directTls);
    this.timers = timers;
    this.bindReplies = ctx.messageAdapter(UserActor.BindResult.class, BindAnswered::new);
    this.sink = new ConnectionSink(ctx.getSelf());
    reader.attach(sink);
  }

  /**
   * One small object and a type switch, rather than a {@code ReceiveBuilder}: the builder makes
   * some 20 objects per actor (0.8 KiB of every connection) and finds a handler by trying each case
   * in turn.
   */
  @Override
  public Receive<SessionCommand> createReceive() {
    return new Receive<>() {
      @Override
      public Behavior<SessionCommand> receiveMessage(SessionCommand m) {
        Behavior<SessionCommand> next = onMessage(m);
        // same(), not this: under withTimers a returned `this` re-wraps the actor in a new
        // interceptor on every message
        return next == C2sSession.this ? Behaviors.same() : next;
      }

      @Override
      public Behavior<SessionCommand> receiveSignal(Signal signal) {
        return signal instanceof PostStop ? onStop() : Behaviors.unhandled();
      }
    };
  }

  private Behavior<SessionCommand> onMessage(SessionCommand m) {
    return switch (m) {
      case Input i -> onInput(i);
      case Deliver d -> onDeliver(d);
      case Continue c -> onContinue(c);
      case BindAnswered b -> onBindAnswered(b);
      case OwnerLost o -> onOwnerLost();
      case ConnectionClosed c -> onConnectionClosed();
      case Handled h -> onHandled(h);
      case SessionCommand.KeepForRebind k -> {
        if (k.value() == null) {
          keptForRebind.remove(k.key());
        } else {
          keptForRebind.put(k.key(), k.value());
        }
        yield this;
      }
      case TakeOver t -> onTakeOver(t);
      case TakeOverAnswer a -> onTakeOverAnswer(a);
      case ResumeTimeout r -> Behaviors.stopped();
      case RequestAck r -> onRequestAck();
      case RetryUnhandled r -> onRetryUnhandled();
      case IdleTimeout i -> onIdle();
      case HandshakeTimeout h -> onHandshakeTimeout();
      case Terminate t -> fail(t.condition(), t.text());
      case InjectFailure f -> onInjectFailure(f);
    };
  }

  /**
   * Keepalive (XEP-0199 from the server's side): the first quiet period gets a ping, which any live
   * client answers; a second one in a row ends the stream.
   */
  private Behavior<SessionCommand> onIdle() {
    if (state.phase() != Phase.ESTABLISHED || pingOutstanding) {
      return fail(StreamErrorCondition.CONNECTION_TIMEOUT, "no traffic");
    }
    pingOutstanding = true;
    sendStanza(
        Element.builder("iq", Namespaces.CLIENT)
            .attr("from", services.config().domain())
            .attr("to", state.jid().toString())
            .attr("type", "get")
            .attr("id", "keepalive-" + (++pings))
            .child("ping", "urn:xmpp:ping")
            .build(),
        null);
    return closing ? Behaviors.stopped() : this;
  }

  private Behavior<SessionCommand> onInput(Input m) {
    reader.consumed();
    pingOutstanding = false;
    switch (m.input()) {
      case StreamInput.SaslStepped st when st.step() instanceof SaslStep.Failure ->
          services.metrics().loginFailed();
      default -> {}
    }
    if (m.input() instanceof StreamInput.Opened
        && !state.authenticated()
        && state.streamId() == null) {
      var other = services.redirect().get();
      if (other.isPresent()) {
        return fail(StreamErrorCondition.SEE_OTHER_HOST, other.get()); // balancing the cluster
      }
    }
    boolean stanza =
        m.input() instanceof StreamInput.Received r
            && state.phase() == Phase.ESTABLISHED
            && Namespaces.CLIENT.equals(r.element().namespace());
    if (stanza) {
      Element e = ((StreamInput.Received) m.input()).element();
      if (isFinalUnavailable(e)) {
        finalPresence = e;
      }
      // XEP-0198 counts every stanza; a message counts once it is durable or delivered
      currentSeq = sm.received();
      currentAwaitsAck = false;
    }
    Behavior<SessionCommand> next = apply(machine.handle(state, m.input()));
    if (stanza && !currentAwaitsAck) {
      handled(currentSeq);
    }
    currentSeq = -1;
    return next;
  }

  private Behavior<SessionCommand> onHandled(Handled h) {
    handled(h.seq());
    return this;
  }

  private void handled(long seq) {
    awaitingAck.remove(seq); // the retry timer stops itself once nothing waits
    if (sm.handled(seq) && sm.enabled() && !detached && sm.owesAck()) {
      writeAck();
    }
  }

  /**
   * Messages between nodes travel at most once; one not confirmed in time is sent again, with the
   * same acknowledgement, by which the recipient's archive recognises a copy that did arrive.
   */
  private Behavior<SessionCommand> onRetryUnhandled() {
    if (awaitingAck.isEmpty()) {
      // cancelled here rather than when the last one is confirmed: a busy sender would otherwise
      // start and cancel a timer for every message
      timers.cancel("ack-retry");
      return this;
    }
    long now = System.nanoTime();
    for (Map.Entry<Long, Pending> e : awaitingAck.entrySet()) {
      Pending p = e.getValue();
      if (now - p.since() >= RETRY_AFTER.toNanos() && state.jid() != null) {
        e.setValue(new Pending(p.stanza(), p.to(), now));
        Ack ack =
            new Ack(getContext().getSelf(), e.getKey(), unconfirmedBefore(e.getKey(), p.to()));
        services.router().fromClient(state.jid(), p.stanza(), ack);
      }
    }
    return this;
  }

  /** The bare JID of the account a message goes to: its own account without a {@code to}. */
  private String recipientAccount(Element message) {
    Jid to = message.toJid();
    if (to == null) {
      return state.jid() == null ? "" : state.jid().toBare().toString();
    }
    return to.toBare().toString();
  }

  /**
   * The latest message before {@code seq} to the same account that is not confirmed yet, or -1: the
   * recipient handles that one first.
   */
  private long unconfirmedBefore(long seq, String to) {
    long before = -1;
    for (Map.Entry<Long, Pending> e : awaitingAck.entrySet()) {
      if (e.getKey() >= seq) {
        break;
      }
      if (e.getValue().to().equals(to)) {
        before = e.getKey();
      }
    }
    return before;
  }

  private static boolean isFinalUnavailable(Element e) {
    return e.name().equals("presence")
        && "unavailable".equals(e.attr("type"))
        && e.attr("to") == null;
  }

  private Behavior<SessionCommand> apply(Transition t) {
    state = t.state();
    for (StreamAction a : t.actions()) {
      if (closing) {
        break;
      }
      execute(a);
    }
    return closing ? Behaviors.stopped() : this;
  }

  private void execute(StreamAction action) {
    switch (action) {
      case StreamAction.Send s -> write(s.xml());
      case StreamAction.SendElement s -> sendStanza(s.element(), null);
      case StreamAction.StartTls s -> reader.startTls(services.sslContext());
      case StreamAction.ReadMore r -> reader.readMore(r.restart(), r.established());
      case StreamAction.SaslStart s -> {
        loginStarted = services.metrics().startLogin();
        saslStart(s.mechanism(), s.initialResponse());
      }
      case StreamAction.SaslContinue s -> saslStep(s.response());
      case StreamAction.Authenticated a -> {
        sasl = null;
        services.metrics().loginSucceeded();
        services.metrics().loginFinished(loginStarted);
      }
      case StreamAction.Bind b -> bind(b);
      case StreamAction.PreAuthIq p -> preAuthIq(p.iq());
      case StreamAction.Resume r -> resume(r.previd(), r.h());
      case StreamAction.Route r -> {
        services.metrics().stanzaIn(r.stanza().name());
        remember(r.stanza());
        Ack ack = null;
        Element stanza = r.stanza();
        if (stanza.name().equals("message") && currentSeq >= 0) {
          String to = recipientAccount(stanza);
          ack = new Ack(getContext().getSelf(), currentSeq, unconfirmedBefore(currentSeq, to));
          currentAwaitsAck = true;
          awaitingAck.put(currentSeq, new Pending(stanza, to, System.nanoTime()));
          if (!timers.isTimerActive("ack-retry")) {
            timers.startTimerWithFixedDelay("ack-retry", new RetryUnhandled(), RETRY_CHECK);
          }
        }
        services.router().fromClient(state.jid(), stanza, ack);
      }
      case StreamAction.Nonza n -> nonza(n.element());
      case StreamAction.Fail f -> failNow(f.condition(), f.text());
      case StreamAction.Close c -> closeNow();
    }
  }

  /** Keeps the last broadcast presence, to re-register with after losing the owner actor. */
  private void remember(Element stanza) {
    if (stanza.name().equals("presence") && stanza.attr("to") == null) {
      String type = stanza.attr("type");
      if (type == null) {
        lastPresence = stanza.withAttr("from", null);
      } else if (type.equals("unavailable")) {
        lastPresence = null;
      }
    }
  }

  private void saslStart(String mechanism, byte[] initial) {
    SaslMechanism m = services.mechanisms().get(mechanism);
    sasl = m.start(services.config().domain(), services.credentials());
    saslStep(initial);
  }

  private void saslStep(byte[] data) {
    CompletionStage<SaslStep> step;
    try {
      step = sasl.step(data);
    } catch (RuntimeException e) {
      step = CompletableFuture.failedFuture(e);
    }
    getContext()
        .pipeToSelf(
            step,
            (s, e) ->
                new Input(
                    new StreamInput.SaslStepped(
                        e == null
                            ? s
                            : new SaslStep.Failure(
                                SaslFailure.TEMPORARY_AUTH_FAILURE,
                                "authentication unavailable"))));
  }

  private void bind(StreamAction.Bind b) {
    pendingBindId = b.iqId();
    Jid bare = Jid.bare(state.username(), services.config().domain());
    services
        .router()
        .user(bare)
        .tell(
            new UserActor.Bind(
                b.requestedResource(), getContext().getSelf(), bindReplies, services.nodeId()));
  }

  private void preAuthIq(Element iq) {
    CompletionStage<Element> reply = services.preAuthIqs().apply(iq, state.secured());
    getContext()
        .pipeToSelf(
            reply,
            (r, e) ->
                new Continue(
                    () -> {
                      write(
                          e == null
                              ? r
                              : StanzaError.reply(
                                  iq, StanzaErrorCondition.INTERNAL_SERVER_ERROR, null));
                      reader.readMore(false, false);
                    }));
  }

  private void nonza(Element e) {
    if (!StreamManagement.NS.equals(e.namespace())) {
      filterNonza(e);
      return;
    }
    switch (e.name()) {
      case "enable" -> enableSm(e);
      case "r" -> {
        if (sm.enabled()) {
          sm.ackRequested();
          writeAck();
        }
      }
      case "a" -> clientAck(e);
      default -> writeSmFailed("unexpected-request", null);
    }
  }

  /** A nonza for a module's session filter; unknown namespaces end the stream. */
  private void filterNonza(Element e) {
    SessionFilter f = filters.get(e.namespace());
    if (f == null) {
      var factory = services.filters().get(e.namespace());
      if (factory == null) {
        failNow(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, e.name());
        return;
      }
      f = factory.get();
      filters.put(e.namespace(), f);
    }
    if (f.onNonza(e)) {
      releaseHeld();
    }
  }

  // ---- XEP-0198 stream management ----

  private void enableSm(Element e) {
    if (sm.enabled()) {
      writeSmFailed("unexpected-request", null);
      return;
    }
    boolean resume = "true".equals(e.attr("resume")) || "1".equals(e.attr("resume"));
    int max = (int) services.config().c2s().maxResumeTime().toSeconds();
    String asked = e.attr("max");
    if (asked != null) {
      try {
        max = Math.max(1, Math.min(max, Integer.parseInt(asked)));
      } catch (NumberFormatException ignored) {
        // keep the server's maximum
      }
    }
    String id = services.ids().get();
    sm.enable(id, resume, max);
    Element.Builder enabled = Element.builder("enabled", StreamManagement.NS);
    if (resume) {
      services.resumable().register(id, getContext().getSelf());
      enabled.attr("id", id).attr("resume", "true").attr("max", Integer.toString(max));
    }
    write(enabled.build());
  }

  private void clientAck(Element e) {
    if (!sm.enabled()) {
      return;
    }
    long h;
    try {
      h = Long.parseLong(String.valueOf(e.attr("h")));
    } catch (NumberFormatException bad) {
      failNow(StreamErrorCondition.UNDEFINED_CONDITION, "malformed h");
      return;
    }
    List<StreamManagement.Unacked> done = sm.acknowledge(h);
    if (done == null) {
      failNow(
          StreamErrorCondition.UNDEFINED_CONDITION,
          "h=" + h + " acknowledges more than the " + sm.sentCount() + " stanzas sent");
      return;
    }
    acknowledged(done);
  }

  /** Receipts of acknowledged stanzas go back to the account (offline copies can go). */
  private void acknowledged(List<StreamManagement.Unacked> done) {
    List<String> receipts = new ArrayList<>();
    for (StreamManagement.Unacked u : done) {
      if (u.receipt() != null) {
        receipts.add(u.receipt());
      }
    }
    if (!receipts.isEmpty() && state.jid() != null) {
      services.router().user(state.jid()).tell(new UserActor.Acknowledged(receipts));
    }
  }

  private void writeAck() {
    write("<a xmlns='" + StreamManagement.NS + "' h='" + sm.h() + "'/>");
  }

  private void writeSmFailed(String condition, Long h) {
    write(
        "<failed xmlns='"
            + StreamManagement.NS
            + "'"
            + (h == null ? "" : " h='" + h + "'")
            + "><"
            + condition
            + " xmlns='"
            + Namespaces.STANZAS
            + "'/></failed>");
  }

  private Behavior<SessionCommand> onRequestAck() {
    if (sm.enabled() && !detached && !closing && sm.unackedCount() > 0) {
      sm.requested();
      write("<r xmlns='" + StreamManagement.NS + "'/>");
    }
    return this;
  }

  /** The new connection's side of resumption: find the old session and ask it to take over. */
  private void resume(String previd, long h) {
    var old = services.resumable().find(previd);
    if (old.isEmpty()) {
      writeSmFailed("item-not-found", services.resumable().endedWith(previd).orElse(null));
      reader.readMore(false, false);
      return;
    }
    old.get().tell(new TakeOver(channel, reader, state.username(), h, getContext().getSelf()));
    timers.startSingleTimer(
        "take-over",
        new TakeOverAnswer(false, null, "the old session did not answer"),
        Duration.ofSeconds(5));
  }

  private Behavior<SessionCommand> onTakeOverAnswer(TakeOverAnswer a) {
    timers.cancel("take-over");
    if (handedOff) {
      return Behaviors.stopped();
    }
    if (a.ok()) {
      // the old session now owns this connection; this actor just goes away
      handedOff = true;
      sink.cut();
      return Behaviors.stopped();
    }
    writeSmFailed("item-not-found", a.h());
    reader.readMore(false, false);
    return this;
  }

  /** The old session's side: adopt the new connection, resend what was not acknowledged. */
  private Behavior<SessionCommand> onTakeOver(TakeOver t) {
    if (closing || !sm.resumable() || !t.username().equals(state.username())) {
      t.replyTo().tell(new TakeOverAnswer(false, null, "not resumable"));
      return this;
    }
    List<StreamManagement.Unacked> done = sm.acknowledge(t.h());
    if (done == null) {
      t.replyTo().tell(new TakeOverAnswer(false, sm.h(), "h too high"));
      return this;
    }
    acknowledged(done);
    Channel old = channel;
    sink.cut();
    if (old.isActive()) {
      old.close(); // the client has moved on; its old connection is dead to it
    }
    channel = t.channel();
    reader = t.reader();
    sink = new ConnectionSink(getContext().getSelf());
    reader.attach(sink);
    detached = false;
    pingOutstanding = false;
    timers.cancel("resume-timeout");
    t.replyTo().tell(new TakeOverAnswer(true, null, null));
    write(
        "<resumed xmlns='"
            + StreamManagement.NS
            + "' h='"
            + sm.h()
            + "' previd='"
            + sm.id()
            + "'/>");
    for (StreamManagement.Unacked u : sm.pending()) {
      write(u.stanza());
    }
    reader.readMore(false, true);
    if (sm.unackedCount() > 0) {
      sm.requested();
      write("<r xmlns='" + StreamManagement.NS + "'/>");
    }
    return this;
  }

  private Behavior<SessionCommand> onConnectionClosed() {
    if (sm.resumable() && state.phase() == Phase.ESTABLISHED && !closing) {
      // XEP-0198: keep the session (and the client's presence) for a resumption
      detached = true;
      timers.startSingleTimer(
          "resume-timeout", new ResumeTimeout(), Duration.ofSeconds(sm.maxResumeSeconds()));
      return this;
    }
    return Behaviors.stopped();
  }

  private Behavior<SessionCommand> onBindAnswered(BindAnswered a) {
    boolean rebinding = state.phase() == Phase.ESTABLISHED;
    switch (a.result()) {
      case UserActor.BindResult.Bound b -> {
        timers.cancel("rebind");
        getContext().watchWith(b.owner(), new OwnerLost());
        if (!rebinding) {
          services.metrics().sessionBound();
          return apply(machine.handle(state, new StreamInput.Bound(b.jid(), pendingBindId)));
        }
        // a new owner: what went to the old one and was not confirmed may be lost; send it again
        if (!awaitingAck.isEmpty()) {
          long due = System.nanoTime() - RETRY_AFTER.toNanos();
          awaitingAck.replaceAll((seq, p) -> new Pending(p.stanza(), p.to(), due));
          onRetryUnhandled();
        }
        return this;
      }
      case UserActor.BindResult.Refused r -> {
        if (rebinding) {
          return fail(StreamErrorCondition.NOT_AUTHORIZED, "the account is gone");
        }
        return apply(
            machine.handle(state, new StreamInput.BindRefused(r.condition(), pendingBindId)));
      }
    }
  }

  /** The account's actor stopped while we are bound: hand ourselves to its next incarnation. */
  private Behavior<SessionCommand> onOwnerLost() {
    if (closing || state.jid() == null) {
      return this;
    }
    services
        .router()
        .user(state.jid())
        .tell(
            new UserActor.Rebind(
                state.jid(),
                getContext().getSelf(),
                lastPresence,
                bindReplies,
                services.nodeId(),
                Map.copyOf(keptForRebind)));
    // the request may be lost on its way to a node that is itself being replaced: ask again
    // until the new owner answers
    timers.startSingleTimer("rebind", new OwnerLost(), Duration.ofSeconds(3));
    return this;
  }

  private Behavior<SessionCommand> onContinue(Continue c) {
    c.work().run();
    return closing ? Behaviors.stopped() : this;
  }

  private Behavior<SessionCommand> onDeliver(Deliver d) {
    if (state.phase() != Phase.ESTABLISHED || closing) {
      if (d.stanza().name().equals("message") && state.jid() != null) {
        services
            .router()
            .user(state.jid())
            .tell(new UserActor.Undelivered(List.of(new Delivery(d.stanza(), d.receipt()))));
      }
      return this;
    }
    services.metrics().stanzaOut(d.stanza().name());
    sendStanza(d.stanza(), d.receipt());
    return closing ? Behaviors.stopped() : this;
  }

  /**
   * Writes a stanza to the client, unless a session filter holds it back; then first whatever the
   * filters held. Every stanza after binding goes through here.
   */
  private void sendStanza(Element stanza, String receipt) {
    if (!filters.isEmpty()) {
      if (receipt == null) {
        for (SessionFilter f : filters.values()) {
          if (f.decide(stanza) == SessionFilter.Outbound.HOLD) {
            return;
          }
        }
      }
      releaseHeld();
      if (closing) {
        return;
      }
    }
    transmit(stanza, receipt);
  }

  /** Writes what the session filters held, in order. */
  private void releaseHeld() {
    for (SessionFilter f : filters.values()) {
      for (Element held : f.flush()) {
        if (closing) {
          return;
        }
        transmit(held, null);
      }
    }
  }

  /**
   * Writes a stanza to the client now: the one place that does, so that XEP-0198 counts exactly
   * what the client counts (a held stanza counts once it is written).
   */
  private void transmit(Element stanza, String receipt) {
    if (sm.enabled()) {
      if (sm.unackedCount() >= MAX_UNACKED) {
        failNow(StreamErrorCondition.POLICY_VIOLATION, "too many unacknowledged stanzas");
        return;
      }
      sm.sent(stanza, receipt);
      if (detached) {
        return; // kept for the resumption
      }
    } else if (receipt != null && state.jid() != null) {
      // no acknowledgements on this stream: written counts as received
      services.router().user(state.jid()).tell(new UserActor.Acknowledged(List.of(receipt)));
    }
    if (!channel.isWritable() && channel.bytesBeforeWritable() > MAX_PENDING_OUTPUT) {
      failNow(StreamErrorCondition.POLICY_VIOLATION, "the client is not reading");
      return;
    }
    write(stanza);
    if (sm.enabled()) {
      if (sm.shouldRequest(REQUEST_ACK_EVERY)) {
        write("<r xmlns='" + StreamManagement.NS + "'/>");
      } else if (!timers.isTimerActive("request-ack")) {
        timers.startSingleTimer("request-ack", new RequestAck(), Duration.ofSeconds(1));
      }
    }
  }

  private Behavior<SessionCommand> onHandshakeTimeout() {
    if (state.phase() == Phase.ESTABLISHED) {
      return this;
    }
    return fail(StreamErrorCondition.CONNECTION_TIMEOUT, "no resource bound in time");
  }

  private Behavior<SessionCommand> onInjectFailure(InjectFailure f) {
    throw new InjectedFailure(f.reason());
  }

  /** Deliberately thrown to test supervision. */
  static final class InjectedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedFailure(String reason) {
      super(reason);
    }
  }

  private Behavior<SessionCommand> fail(StreamErrorCondition condition, String text) {
    failNow(condition, text);
    return Behaviors.stopped();
  }

  private void failNow(StreamErrorCondition condition, String text) {
    if (closing) {
      return;
    }
    StringBuilder sb = new StringBuilder();
    if (!state.headerSent()) {
      sb.append(
              "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
                  + " xmlns:stream='http://etherx.jabber.org/streams' version='1.0' from='")
          .append(services.config().domain())
          .append("'>");
    }
    sb.append(condition.toXml(text)).append("</stream:stream>");
    closing = true;
    services.metrics().streamError(condition);
    GracefulClose.after(channel.writeAndFlush(ByteBufUtil.writeUtf8(channel.alloc(), sb)));
  }

  private void closeNow() {
    closing = true;
    GracefulClose.after(channel.writeAndFlush(Unpooled.EMPTY_BUFFER));
  }

  private void write(String xml) {
    if (detached) {
      return;
    }
    channel.writeAndFlush(ByteBufUtil.writeUtf8(channel.alloc(), xml));
  }

  private void write(Element e) {
    if (detached) {
      return;
    }
    StringBuilder sb = SCRATCH.get();
    sb.setLength(0);
    XmlWriter.write(e, Namespaces.CLIENT, sb);
    channel.writeAndFlush(ByteBufUtil.writeUtf8(channel.alloc(), sb));
    if (sb.capacity() > MAX_SCRATCH_CHARS) {
      SCRATCH.remove(); // one huge stanza does not pin its buffer to the thread
    }
  }

  private Behavior<SessionCommand> onStop() {
    if (handedOff) {
      return this; // the connection lives on in the session that was resumed
    }
    if (!closing && channel.isActive()) {
      // stopped without closing its stream: this session crashed (PostStop follows a failure)
      failNow(StreamErrorCondition.INTERNAL_SERVER_ERROR, null);
    }
    if (sm.resumable()) {
      services.resumable().ended(sm.id(), sm.h());
    }
    Jid bound = state.jid();
    if (bound != null) {
      services.metrics().sessionEnded();
      var owner = services.router().user(bound);
      owner.tell(new UserActor.Unbind(bound.resource(), getContext().getSelf(), finalPresence));
      // after the unbind, so that the account does not hand them straight back to us
      List<Delivery> unacked = new ArrayList<>();
      for (StreamManagement.Unacked u : sm.drain()) {
        unacked.add(new Delivery(u.stanza(), u.receipt()));
      }
      if (!unacked.isEmpty()) {
        owner.tell(new UserActor.Undelivered(unacked));
      }
    }
    return this;
  }
}
