package dev.switchboard.server.session;

import dev.switchboard.server.auth.SaslExchange;
import dev.switchboard.server.auth.SaslFailure;
import dev.switchboard.server.auth.SaslMechanism;
import dev.switchboard.server.auth.SaslStep;
import dev.switchboard.server.session.SessionCommand.BindAnswered;
import dev.switchboard.server.session.SessionCommand.ConnectionClosed;
import dev.switchboard.server.session.SessionCommand.Continue;
import dev.switchboard.server.session.SessionCommand.Deliver;
import dev.switchboard.server.session.SessionCommand.HandshakeTimeout;
import dev.switchboard.server.session.SessionCommand.IdleTimeout;
import dev.switchboard.server.session.SessionCommand.InjectFailure;
import dev.switchboard.server.session.SessionCommand.Input;
import dev.switchboard.server.session.SessionCommand.OwnerLost;
import dev.switchboard.server.session.SessionCommand.Terminate;
import dev.switchboard.server.stream.Phase;
import dev.switchboard.server.stream.StreamAction;
import dev.switchboard.server.stream.StreamInput;
import dev.switchboard.server.stream.StreamMachine;
import dev.switchboard.server.stream.StreamMachine.Transition;
import dev.switchboard.server.stream.StreamState;
import dev.switchboard.server.transport.XmppStreamHandler;
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
import io.netty.channel.ChannelFutureListener;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One client connection: an actor holding the stream machine's state, carrying out its actions, and
 * writing what the rest of the server delivers. It shares nothing with other sessions; if it
 * throws, its supervisor ends only this connection (with {@code internal-server-error}).
 */
public final class C2sSession extends AbstractBehavior<SessionCommand> {
  /** Pending outbound bytes beyond which a client that does not read is cut off. */
  private static final long MAX_PENDING_OUTPUT = 4L << 20;

  private final C2sServices services;
  private final Channel channel;
  private final XmppStreamHandler reader;
  private final StreamMachine machine;
  private final ActorRef<UserActor.BindResult> bindReplies;
  private StreamState state;
  private SaslExchange sasl;
  private String pendingBindId;
  private Element finalPresence;
  private Element lastPresence;
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
                  return new C2sSession(ctx, services, channel, reader, directTls);
                }));
  }

  private C2sSession(
      ActorContext<SessionCommand> ctx,
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
    this.bindReplies = ctx.messageAdapter(UserActor.BindResult.class, BindAnswered::new);
  }

  @Override
  public Receive<SessionCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(Input.class, this::onInput)
        .onMessage(Deliver.class, this::onDeliver)
        .onMessage(Continue.class, this::onContinue)
        .onMessage(BindAnswered.class, this::onBindAnswered)
        .onMessage(OwnerLost.class, m -> onOwnerLost())
        .onMessage(ConnectionClosed.class, m -> Behaviors.stopped())
        .onMessage(IdleTimeout.class, m -> onIdle())
        .onMessage(HandshakeTimeout.class, m -> onHandshakeTimeout())
        .onMessage(Terminate.class, m -> fail(m.condition(), m.text()))
        .onMessage(InjectFailure.class, this::onInjectFailure)
        .onSignal(PostStop.class, s -> onStop())
        .build();
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
    write(
        Element.builder("iq", Namespaces.CLIENT)
            .attr("from", services.config().domain())
            .attr("to", state.jid().toString())
            .attr("type", "get")
            .attr("id", "keepalive-" + (++pings))
            .child("ping", "urn:xmpp:ping")
            .build());
    return this;
  }

  private Behavior<SessionCommand> onInput(Input m) {
    reader.consumed();
    pingOutstanding = false;
    switch (m.input()) {
      case StreamInput.SaslStepped st when st.step() instanceof SaslStep.Failure ->
          services.metrics().loginFailed();
      default -> {}
    }
    if (m.input() instanceof StreamInput.Received r
        && state.phase() == Phase.ESTABLISHED
        && isFinalUnavailable(r.element())) {
      finalPresence = r.element();
    }
    return apply(machine.handle(state, m.input()));
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
      case StreamAction.SendElement s -> write(s.element());
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
      case StreamAction.Route r -> {
        services.metrics().stanzaIn(r.stanza().name());
        remember(r.stanza());
        services.router().fromClient(state.jid(), r.stanza());
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
        .tell(new UserActor.Bind(b.requestedResource(), getContext().getSelf(), bindReplies));
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
    failNow(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, e.name());
  }

  private Behavior<SessionCommand> onBindAnswered(BindAnswered a) {
    boolean rebinding = state.phase() == Phase.ESTABLISHED;
    switch (a.result()) {
      case UserActor.BindResult.Bound b -> {
        getContext().watchWith(b.owner(), new OwnerLost());
        if (!rebinding) {
          services.metrics().sessionBound();
          return apply(machine.handle(state, new StreamInput.Bound(b.jid(), pendingBindId)));
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
        .tell(new UserActor.Rebind(state.jid(), getContext().getSelf(), lastPresence, bindReplies));
    return this;
  }

  private Behavior<SessionCommand> onContinue(Continue c) {
    c.work().run();
    return closing ? Behaviors.stopped() : this;
  }

  private Behavior<SessionCommand> onDeliver(Deliver d) {
    if (state.phase() != Phase.ESTABLISHED || closing) {
      return this;
    }
    if (!channel.isWritable() && channel.bytesBeforeWritable() > MAX_PENDING_OUTPUT) {
      return fail(StreamErrorCondition.POLICY_VIOLATION, "the client is not reading");
    }
    services.metrics().stanzaOut(d.stanza().name());
    write(d.stanza());
    return this;
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
    channel
        .writeAndFlush(ByteBufUtil.writeUtf8(channel.alloc(), sb))
        .addListener(ChannelFutureListener.CLOSE);
  }

  private void closeNow() {
    closing = true;
    channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  private void write(String xml) {
    channel.writeAndFlush(ByteBufUtil.writeUtf8(channel.alloc(), xml));
  }

  private void write(Element e) {
    StringBuilder sb = new StringBuilder(256);
    XmlWriter.write(e, Namespaces.CLIENT, sb);
    channel.writeAndFlush(ByteBufUtil.writeUtf8(channel.alloc(), sb));
  }

  private Behavior<SessionCommand> onStop() {
    if (!closing && channel.isActive()) {
      // stopped without closing its stream: this session crashed (PostStop follows a failure)
      failNow(StreamErrorCondition.INTERNAL_SERVER_ERROR, null);
    }
    Jid bound = state.jid();
    if (bound != null) {
      services.metrics().sessionEnded();
      services
          .router()
          .user(bound)
          .tell(new UserActor.Unbind(bound.resource(), getContext().getSelf(), finalPresence));
    }
    return this;
  }
}
