package dev.switchboard.server.session;

import dev.switchboard.server.auth.SaslStep;
import dev.switchboard.server.delivery.ClientInbox;
import dev.switchboard.server.delivery.Confirmation;
import dev.switchboard.server.delivery.Delivery;
import dev.switchboard.server.delivery.Unconfirmed;
import dev.switchboard.server.session.SessionCommand.BindAnswered;
import dev.switchboard.server.session.SessionCommand.ConnectionClosed;
import dev.switchboard.server.session.SessionCommand.Continue;
import dev.switchboard.server.session.SessionCommand.HandshakeTimeout;
import dev.switchboard.server.session.SessionCommand.IdleTimeout;
import dev.switchboard.server.session.SessionCommand.Input;
import dev.switchboard.server.session.SessionCommand.OwnerLost;
import dev.switchboard.server.session.SessionCommand.RequestAck;
import dev.switchboard.server.session.SessionCommand.ResendUnconfirmed;
import dev.switchboard.server.session.SessionCommand.ResumeTimeout;
import dev.switchboard.server.session.SessionCommand.TakeOver;
import dev.switchboard.server.session.SessionCommand.TakeOverAnswer;
import dev.switchboard.server.stream.ClientConnection;
import dev.switchboard.server.stream.Phase;
import dev.switchboard.server.stream.StreamAction;
import dev.switchboard.server.stream.StreamInput;
import dev.switchboard.server.stream.StreamMachine;
import dev.switchboard.server.stream.StreamMachine.Transition;
import dev.switchboard.server.stream.StreamState;
import dev.switchboard.server.user.UserActor;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.Namespaces;
import dev.switchboard.xmpp.StanzaError;
import dev.switchboard.xmpp.StanzaErrorCondition;
import dev.switchboard.xmpp.StreamErrorCondition;
import java.util.List;
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
 * One client session: an actor that holds the stream machine's state, carries out its actions on a
 * {@link ClientConnection} (whatever the transport), and writes what the rest of the server
 * delivers. It shares nothing with other sessions; if it throws, its supervisor ends only this
 * session (the client gets {@code internal-server-error}).
 *
 * <p>Its parts: {@link SaslNegotiation} (authentication), {@link OwnerLink} (binding and the
 * account's owner), {@link StreamManagementHandler} (XEP-0198), {@link Keepalive}, the session's
 * side of delivery confirmation ({@link Unconfirmed}), and {@link Outbound} (the way out: the
 * modules' {@link SessionFilter}s, which may hold stanzas back, and back-pressure). Nonzas in
 * another namespace end the stream with {@code unsupported-stanza-type}.
 */
public final class C2sSession extends AbstractBehavior<ClientInbox> implements SessionCore {
  private final SessionServices services;
  private final StreamMachine machine;
  private final TimerScheduler<ClientInbox> timers;
  private final SaslNegotiation sasl;
  private final OwnerLink owner;
  private final StreamManagementHandler sm;
  private final Unconfirmed unconfirmed;
  private final Keepalive keepalive = new Keepalive();
  private final Outbound outbound;
  private ClientConnection connection;
  private StreamState state;
  private boolean closing;
  private boolean handedOff;

  /** The stream position of the stanza being handled, and whether it awaits its confirmation. */
  private long currentSeq = -1;

  private boolean currentAwaitsConfirmation;

  /** Reading stopped: the client has {@link Unconfirmed#WINDOW} messages waiting. */
  private boolean readingHeld;

  public static Behavior<ClientInbox> create(
      SessionServices services, ClientConnection connection) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startSingleTimer(
                      new HandshakeTimeout(), services.config().handshakeTimeout());
                  return new C2sSession(ctx, timers, services, connection);
                }));
  }

  private C2sSession(
      ActorContext<ClientInbox> ctx,
      TimerScheduler<ClientInbox> timers,
      SessionServices services,
      ClientConnection connection) {
    super(ctx);
    this.services = services;
    this.machine = services.streamMachine();
    this.timers = timers;
    this.state = StreamState.initial(connection.secured(), connection.canStartTls());
    this.sasl = new SaslNegotiation(services);
    this.owner =
        new OwnerLink(this, ctx.messageAdapter(UserActor.BindResult.class, BindAnswered::new));
    this.sm = new StreamManagementHandler(this);
    this.outbound = new Outbound(this, sm);
    this.unconfirmed = new Unconfirmed(ctx.getSelf());
    useConnection(connection);
  }

  /**
   * One small object and a type switch, rather than a {@code ReceiveBuilder}: the builder makes
   * some 20 objects per actor (0.8 KiB of every connection) and finds a handler by trying each case
   * in turn.
   */
  @Override
  public Receive<ClientInbox> createReceive() {
    return new Receive<>() {
      @Override
      public Behavior<ClientInbox> receiveMessage(ClientInbox m) {
        Behavior<ClientInbox> next = onMessage(m);
        // same(), not this: under withTimers a returned `this` re-wraps the actor in a new
        // interceptor on every message
        return next == C2sSession.this ? Behaviors.same() : next;
      }

      @Override
      public Behavior<ClientInbox> receiveSignal(Signal signal) {
        return signal instanceof PostStop ? onStop() : Behaviors.unhandled();
      }
    };
  }

  private Behavior<ClientInbox> onMessage(ClientInbox m) {
    switch (m) {
      case Input i -> onInput(i.input());
      case ClientInbox.Deliver d -> onDeliver(d);
      case ClientInbox.Confirmed c -> confirmed(c.seq());
      case ClientInbox.KeepForRebind k -> owner.keep(k.key(), k.value());
      case ClientInbox.Terminate t -> failNow(t.condition(), t.text());
      case ClientInbox.InjectFailure f ->
          throw new IllegalStateException("injected: " + f.reason());
      case Continue c -> c.work().run();
      case BindAnswered b -> onBindAnswered(b.result());
      case OwnerLost o -> owner.lost();
      case ConnectionClosed c -> {
        if (!sm.connectionLost(state.phase() == Phase.ESTABLISHED)) {
          return Behaviors.stopped();
        }
      }
      case IdleTimeout i -> {
        if (!readingHeld) { // quiet because the server is not reading: not the client's doing
          onQuiet();
        }
      }
      case HandshakeTimeout h -> {
        if (state.phase() != Phase.ESTABLISHED) {
          failNow(StreamErrorCondition.CONNECTION_TIMEOUT, "no resource bound in time");
        }
      }
      case TakeOver t -> sm.takeOver(t);
      case TakeOverAnswer a -> {
        if (handedOff || sm.takeOverAnswered(a)) {
          handedOff = true; // the old session now owns the connection; this one goes away
          return Behaviors.stopped();
        }
      }
      case ResumeTimeout r -> {
        return Behaviors.stopped();
      }
      case RequestAck r -> sm.requestDue();
      case ResendUnconfirmed r -> resendUnconfirmed();
      default -> getContext().getLog().warn("unexpected message {}", m.getClass().getName());
    }
    return closing ? Behaviors.stopped() : this;
  }

  // ---- from the client ----

  private void onInput(StreamInput input) {
    connection.consumed();
    keepalive.traffic();
    if (input instanceof StreamInput.SaslStepped st) {
      sasl.stepped(st.step());
    }
    if (input instanceof StreamInput.Opened && !state.authenticated() && !state.headerSent()) {
      var other = services.redirect().get();
      if (other.isPresent() && state.streamId() == null) {
        failNow(StreamErrorCondition.SEE_OTHER_HOST, other.get()); // balancing the cluster
        return;
      }
    }
    boolean stanza =
        input instanceof StreamInput.Received r
            && state.phase() == Phase.ESTABLISHED
            && Namespaces.CLIENT.equals(r.element().namespace());
    if (stanza) {
      // XEP-0198 counts every stanza; a message counts once it is confirmed
      currentSeq = sm.received();
      currentAwaitsConfirmation = false;
    }
    apply(machine.handle(state, input));
    if (stanza && !currentAwaitsConfirmation) {
      sm.handled(currentSeq);
    }
    currentSeq = -1;
  }

  private void apply(Transition t) {
    state = t.state();
    for (StreamAction a : t.actions()) {
      if (closing) {
        break;
      }
      execute(a);
    }
  }

  private void execute(StreamAction action) {
    switch (action) {
      case StreamAction.OpenStream o -> connection.openStream(o.from(), o.id());
      case StreamAction.SendFeatures f -> connection.sendFeatures(f.features());
      case StreamAction.Send s -> send(s.element());
      case StreamAction.StartTls s -> connection.startTls();
      case StreamAction.ReadMore r -> connection.readMore(r.restart(), r.established());
      case StreamAction.SaslStart s ->
          saslStepped(sasl.start(s.mechanism(), state.domain(), s.initialResponse()));
      case StreamAction.SaslContinue s -> saslStepped(sasl.step(s.response()));
      case StreamAction.Authenticated a -> sasl.succeeded();
      case StreamAction.Bind b -> owner.bind(b.requestedResource(), b.iqId());
      case StreamAction.PreAuthIq p -> preAuthIq(p.iq());
      case StreamAction.Route r -> route(r.stanza());
      case StreamAction.Nonza n -> nonza(n.element(), n.beforeBind());
      case StreamAction.Fail f -> fail(f.condition(), f.text());
      case StreamAction.Close c -> {
        closing = true;
        connection.close();
      }
    }
  }

  private void saslStepped(CompletionStage<SaslStep> step) {
    getContext()
        .pipeToSelf(
            step,
            (s, e) ->
                new Input(
                    new StreamInput.SaslStepped(
                        e == null
                            ? s
                            : new SaslStep.Failure(
                                dev.switchboard.server.auth.SaslFailure.TEMPORARY_AUTH_FAILURE,
                                "authentication unavailable"))));
  }

  private void preAuthIq(Element iq) {
    CompletionStage<Element> reply =
        services.preAuthIqs().answer(state.domain(), iq, state.secured());
    getContext()
        .pipeToSelf(
            reply,
            (r, e) ->
                new Continue(
                    () -> {
                      send(
                          e == null
                              ? r
                              : StanzaError.reply(
                                  iq, StanzaErrorCondition.INTERNAL_SERVER_ERROR, null));
                      connection.readMore(false, false);
                    }));
  }

  /**
   * A stanza from the bound client: messages travel with a confirmation (see {@link Unconfirmed}).
   */
  private void route(Element stanza) {
    services.metrics().stanzaIn(stanza.name());
    owner.outgoing(stanza);
    Confirmation confirmation = null;
    if (stanza.name().equals("message") && currentSeq >= 0) {
      confirmation =
          unconfirmed.track(currentSeq, stanza, recipientAccount(stanza), System.nanoTime());
      currentAwaitsConfirmation = true;
      if (!readingHeld && unconfirmed.full()) {
        readingHeld = true; // back-pressure: the client waits until the server has caught up
        connection.holdReading(true);
      }
      if (!timers.isTimerActive("resend")) {
        timers.startTimerWithFixedDelay("resend", new ResendUnconfirmed(), Unconfirmed.CHECK_EVERY);
      }
    }
    services.router().fromClient(state.jid(), stanza, confirmation);
  }

  /** The bare JID of the account a message goes to: its own account without a {@code to}. */
  private String recipientAccount(Element message) {
    Jid to = message.toJid();
    return to == null ? state.jid().toBare().toString() : to.toBare().toString();
  }

  private void confirmed(long seq) {
    unconfirmed.confirmed(seq); // the resend timer stops itself once nothing waits
    if (readingHeld && unconfirmed.roomAgain()) {
      readingHeld = false;
      connection.holdReading(false);
    }
    sm.handled(seq);
  }

  private void resendUnconfirmed() {
    if (unconfirmed.isEmpty()) {
      // cancelled here rather than when the last one is confirmed: a busy sender would otherwise
      // start and cancel a timer for every message
      timers.cancel("resend");
      return;
    }
    if (state.jid() == null) {
      return;
    }
    for (Unconfirmed.Resend r : unconfirmed.due(System.nanoTime())) {
      services.router().fromClient(state.jid(), r.message(), r.confirmation());
    }
  }

  private void nonza(Element e, boolean beforeBind) {
    if (SmElements.NS.equals(e.namespace())) {
      sm.nonza(e, beforeBind);
      return;
    }
    if (beforeBind) {
      failNow(StreamErrorCondition.NOT_AUTHORIZED, "bind a resource first");
      return;
    }
    switch (outbound.filters().nonza(e)) {
      case UNKNOWN -> failNow(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, e.name());
      case RELEASE -> outbound.releaseHeld();
      case TAKEN -> {}
    }
  }

  private void onBindAnswered(UserActor.BindResult result) {
    boolean rebinding = state.phase() == Phase.ESTABLISHED;
    switch (result) {
      case UserActor.BindResult.Bound b -> {
        owner.bound(b, getContext());
        if (!rebinding) {
          services.metrics().sessionBound();
          apply(machine.handle(state, new StreamInput.Bound(b.jid(), owner.pendingBindId())));
        } else if (!unconfirmed.isEmpty()) {
          // a new owner: what went to the old one and was not confirmed may be lost; send again
          unconfirmed.allDue(System.nanoTime());
          resendUnconfirmed();
        }
      }
      case UserActor.BindResult.Refused r -> {
        if (rebinding) {
          failNow(StreamErrorCondition.NOT_AUTHORIZED, "the account is gone");
        } else {
          apply(
              machine.handle(
                  state, new StreamInput.BindRefused(r.condition(), owner.pendingBindId())));
        }
      }
    }
  }

  private void onQuiet() {
    Element ping = keepalive.quiet(state.phase() == Phase.ESTABLISHED, state.domain(), state.jid());
    if (ping == null) {
      failNow(StreamErrorCondition.CONNECTION_TIMEOUT, "no traffic");
    } else {
      send(ping);
    }
  }

  // ---- to the client ----

  private void onDeliver(ClientInbox.Deliver d) {
    if (state.phase() != Phase.ESTABLISHED || closing) {
      if (d.stanza().name().equals("message")) {
        owner.undelivered(List.of(new Delivery(d.stanza(), d.storedKey())));
      }
      return;
    }
    services.metrics().stanzaOut(d.stanza().name());
    outbound.write(d.stanza(), d.storedKey());
  }

  /** Writes an element the session itself produced (negotiation, replies, pings). */
  private void send(Element e) {
    if (state.phase() == Phase.ESTABLISHED && Namespaces.CLIENT.equals(e.namespace())) {
      outbound.write(e, null); // a stanza: filtered and counted for XEP-0198 like any other
    } else if (!sm.detached()) {
      connection.send(e);
    }
  }

  // ---- ending ----

  private void fail(StreamErrorCondition condition, String text) {
    if (closing) {
      return;
    }
    closing = true;
    services.metrics().streamError(condition);
    connection.streamError(condition, text);
  }

  @Override
  public void failNow(StreamErrorCondition condition, String text) {
    if (!closing) {
      apply(machine.terminate(state, condition, text));
    }
  }

  private Behavior<ClientInbox> onStop() {
    if (handedOff) {
      return this; // the connection lives on in the session that was resumed
    }
    if (!closing && connection.isOpen()) {
      // stopped without closing its stream: this session crashed (PostStop follows a failure)
      failNow(StreamErrorCondition.INTERNAL_SERVER_ERROR, null);
    }
    List<Delivery> unacknowledged = sm.ended();
    if (state.jid() != null) {
      services.metrics().sessionEnded();
      owner.ended(unacknowledged);
    }
    return this;
  }

  // ---- SessionCore ----

  @Override
  public SessionServices services() {
    return services;
  }

  @Override
  public ActorRef<ClientInbox> self() {
    return getContext().getSelf();
  }

  @Override
  public TimerScheduler<ClientInbox> timers() {
    return timers;
  }

  @Override
  public StreamState state() {
    return state;
  }

  @Override
  public ClientConnection connection() {
    return connection;
  }

  @Override
  public void useConnection(ClientConnection c) {
    connection = c;
    if (readingHeld) {
      c.holdReading(true);
    }
    c.attach(new ConnectionEvents(getContext().getSelf()));
  }

  @Override
  public boolean closing() {
    return closing;
  }

  @Override
  public OwnerLink owner() {
    return owner;
  }
}
