package dev.switchboard.server.user;

import dev.switchboard.server.cluster.CborSerializable;
import dev.switchboard.server.cluster.SessionRegistry;
import dev.switchboard.server.delivery.ClientInbox;
import dev.switchboard.server.delivery.Confirmation;
import dev.switchboard.server.delivery.Delivery;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.StanzaErrorCondition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The single owner of one account's routing, presence and offline decisions, placed by Cluster
 * Sharding (one per bare JID in the whole cluster), so that a message racing a login is decided in
 * one place.
 *
 * <p>This class is the actor's shell: its protocol, loading the account's state (the work that
 * arrives meanwhile is stashed), passivation when idle, and dispatching each message to its parts:
 * {@link AccountSessions} (binding, conflicts, node loss), {@link AccountStanzas} (where stanzas
 * go, RFC 6121 8.5) and {@link MessageDelivery} (durable, ordered, confirmed messages). Modules
 * take part through {@link AccountHooks}.
 */
public final class UserActor extends AbstractBehavior<UserActor.Command> {
  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "user");
  private static final Duration IDLE_PASSIVATION = Duration.ofMinutes(2);

  /** The user actor's protocol. */
  public sealed interface Command extends CborSerializable {}

  /**
   * A stanza addressed to this account, from anywhere; {@code ack}, if any, is told when it is
   * handled.
   */
  public record Incoming(Element stanza, Confirmation confirmation) implements Command {
    public Incoming(Element stanza) {
      this(stanza, null);
    }
  }

  /**
   * A stanza from one of this account's own sessions that needs the owner: presence, and messages
   * (archived for the sender before they are routed).
   */
  public record FromSession(String resource, Element stanza, Confirmation confirmation)
      implements Command {
    public FromSession(String resource, Element stanza) {
      this(resource, stanza, null);
    }
  }

  /** Stanzas an ending session wrote but its client never acknowledged (XEP-0198). */
  public record Undelivered(List<Delivery> stanzas) implements Command {}

  /**
   * The client acknowledged (XEP-0198) stanzas that came from storage: the stored copies with these
   * keys may go.
   */
  public record Acknowledged(List<String> storedKeys) implements Command {}

  /** Bind a resource for a new session; the answer goes to {@code replyTo}. */
  public record Bind(
      String requestedResource,
      ActorRef<ClientInbox> session,
      ActorRef<BindResult> replyTo,
      String node)
      implements Command {}

  /**
   * A bound session whose user actor went away (a crash, or a move to another node) registers
   * again, with the presence it last broadcast, so that its account's new actor knows it.
   */
  public record Rebind(
      Jid jid,
      ActorRef<ClientInbox> session,
      Element presence,
      ActorRef<BindResult> replyTo,
      String node,
      Map<String, String> kept)
      implements Command {}

  /**
   * A cluster node died with these of the account's resources on it: end them as if their sessions
   * had closed (contacts get unavailable presence), whether or not this incarnation of the actor
   * knew them.
   */
  public record NodeGone(String node, List<String> resources) implements Command {}

  /** The outcome of {@link Bind} or {@link Rebind}; {@code owner} is the actor to watch. */
  public sealed interface BindResult extends CborSerializable {
    record Bound(Jid jid, ActorRef<Command> owner) implements BindResult {}

    record Refused(StanzaErrorCondition condition) implements BindResult {}
  }

  /** A session ended cleanly; {@code finalPresence} is its last unavailable presence, if any. */
  public record Unbind(String resource, ActorRef<ClientInbox> session, Element finalPresence)
      implements Command {}

  /** Passes an administrative command (kick, failure injection) to one bound session. */
  public record Control(String resource, ClientInbox command) implements Command {}

  /**
   * The account was deleted: deliver {@code farewell} (the reply to the request that deleted it),
   * then end every session with not-authorized and forget the account's state.
   */
  public record AccountDeleted(Element farewell) implements Command {}

  /**
   * Makes this user actor throw, to exercise recovery: its sessions re-register with the next
   * incarnation. Used by tests and the admin tools.
   */
  public record InjectFailure(String reason) implements Command {}

  /** Stop message for sharding passivation and rebalancing. */
  public record Stop() implements Command {}

  record SessionGone(String resource, ActorRef<ClientInbox> session)
      implements Command, NoSerializationVerificationNeeded {}

  private record Loaded(LoadedState state, Throwable error)
      implements Command, NoSerializationVerificationNeeded {}

  private record IoDone(Object value, Throwable error, BiConsumer<Object, Throwable> then)
      implements Command, NoSerializationVerificationNeeded {}

  private record IdleCheck() implements Command, NoSerializationVerificationNeeded {}

  record ReleaseHeld() implements Command, NoSerializationVerificationNeeded {}

  private record RebindWaitOver() implements Command, NoSerializationVerificationNeeded {}

  private record CommitDone(long ticket) implements Command, NoSerializationVerificationNeeded {}

  private record FlushDone(String resource, List<Delivery> deliveries, long ticket)
      implements Command, NoSerializationVerificationNeeded {}

  private final UserServices services;
  private final Jid jid;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final StashBuffer<Command> stash;
  private final TimerScheduler<Command> timers;
  private final AccountExtensions extensions;
  private final Account account;
  private final AccountSessions sessions;
  private final MessageDelivery delivery;
  private final AccountStanzas stanzas;
  private boolean loading = true;
  private int pendingIo;
  private long lastActivity = System.nanoTime();

  public static Behavior<Command> create(
      UserServices services, String entityId, ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.withStash(
        10_000,
        stash ->
            Behaviors.withTimers(
                timers ->
                    Behaviors.setup(
                        ctx -> new UserActor(ctx, services, entityId, shard, stash, timers))));
  }

  private UserActor(
      ActorContext<Command> ctx,
      UserServices services,
      String entityId,
      ActorRef<ClusterSharding.ShardCommand> shard,
      StashBuffer<Command> stash,
      TimerScheduler<Command> timers) {
    super(ctx);
    this.services = services;
    this.jid = Jid.parse(entityId);
    this.shard = shard;
    this.stash = stash;
    this.timers = timers;
    this.extensions = services.extensions().apply(jid.domainPart());
    this.account = new Account(jid, services.router(), this::await);
    this.sessions = new AccountSessions(account, services, extensions.hooks(), ctx);
    this.delivery =
        new MessageDelivery(
            account,
            services,
            extensions.hooks(),
            new MessageDelivery.Pipe() {
              @Override
              public void committed(CompletionStage<Void> stage, long ticket) {
                ctx.pipeToSelf(stage, (v, e) -> new CommitDone(ticket));
              }

              @Override
              public void flushed(
                  CompletionStage<List<Delivery>> stage, String resource, long ticket) {
                ctx.pipeToSelf(
                    stage,
                    (list, e) -> {
                      if (e != null) {
                        ctx.getLog().error("loading stored messages for {} failed", jid, e);
                      }
                      return new FlushDone(resource, e == null ? list : List.of(), ticket);
                    });
              }
            });
    account.onAvailable(delivery::sessionAvailable);
    this.stanzas = new AccountStanzas(account, services, extensions, delivery, timers);
    timers.startTimerWithFixedDelay(new IdleCheck(), IDLE_PASSIVATION);
    ctx.pipeToSelf(load(), Loaded::new);
  }

  /** Existence, the sessions an earlier owner recorded, and every module's state. */
  private record LoadedState(
      boolean exists,
      List<Consumer<UserContext>> initializers,
      List<SessionRegistry.Recorded> recorded) {}

  private CompletionStage<LoadedState> load() {
    return services
        .accountExists(jid)
        .thenCompose(
            found -> {
              if (!found) {
                return CompletableFuture.completedFuture(
                    new LoadedState(false, List.of(), List.of()));
              }
              AccountHooks.Loading loading = new AccountHooks.Loading(jid, new ArrayList<>());
              extensions.hooks().run(AccountHooks.LOADING, loading);
              CompletionStage<LoadedState> all =
                  services
                      .registry()
                      .of(jid)
                      .thenApply(rec -> new LoadedState(true, new ArrayList<>(), rec));
              for (CompletionStage<Consumer<UserContext>> stage : loading.stages()) {
                all =
                    all.thenCombine(
                        stage,
                        (st, init) -> {
                          st.initializers().add(init);
                          return st;
                        });
              }
              return all;
            });
  }

  /** A type switch rather than a {@code ReceiveBuilder} (see C2sSession#createReceive). */
  @Override
  public Receive<Command> createReceive() {
    return new Receive<>() {
      @Override
      public Behavior<Command> receiveMessage(Command m) {
        Behavior<Command> next =
            switch (m) {
              case Loaded l -> onLoaded(l);
              case IoDone d -> onIoDone(d);
              case CommitDone c -> onInternal(() -> delivery.committed(c.ticket()));
              case FlushDone f ->
                  onInternal(() -> delivery.flushed(f.resource(), f.deliveries(), f.ticket()));
              case IdleCheck i -> onIdleCheck();
              case ReleaseHeld r -> onReleaseHeld();
              case Stop s -> Behaviors.stopped();
              default -> onCommand(m);
            };
        // same(), not this: under withTimers a returned `this` re-wraps the actor in a new
        // interceptor on every message
        return next == UserActor.this ? Behaviors.same() : next;
      }

      @Override
      public Behavior<Command> receiveSignal(Signal signal) {
        if (signal instanceof PostStop) {
          services.localOwners().listed(jid, getContext().getSelf(), false);
        }
        return Behaviors.unhandled();
      }
    };
  }

  private Behavior<Command> onLoaded(Loaded m) {
    if (m.error() != null) {
      // Storage is unreachable: crash so that sharding restarts this account on the next message
      // instead of serving it with half its state.
      throw new IllegalStateException("loading " + jid + " failed", m.error());
    }
    account.exists(m.state().exists());
    m.state().initializers().forEach(init -> init.accept(account));
    if (sessions.expectRebinds(m.state().recorded())) {
      timers.startSingleTimer(new RebindWaitOver(), AccountSessions.REBIND_WAIT);
    }
    loading = false;
    return unstashIfIdle();
  }

  private Behavior<Command> onIoDone(IoDone m) {
    pendingIo--;
    m.then().accept(m.value(), m.error());
    return unstashIfIdle();
  }

  /** Completions of the message path run even while other work waits for I/O. */
  private Behavior<Command> onInternal(Runnable r) {
    r.run();
    return this;
  }

  private Behavior<Command> unstashIfIdle() {
    if (!loading && pendingIo == 0 && !sessions.awaitingRebind() && !stash.isEmpty()) {
      return stash.unstashAll(this);
    }
    return this;
  }

  private Behavior<Command> onCommand(Command c) {
    if (c instanceof RebindWaitOver) {
      sessions.stopWaiting();
      return unstashIfIdle();
    }
    boolean waitForRebind =
        sessions.awaitingRebind() && (c instanceof Incoming || c instanceof FromSession);
    if (loading || pendingIo > 0 || waitForRebind) {
      if (stash.isFull()) {
        overflow(c);
      } else {
        stash.stash(c);
      }
      return this;
    }
    lastActivity = System.nanoTime();
    switch (c) {
      case Incoming in when AccountStanzas.isMessage(in.stanza()) ->
          stanzas.message(in.stanza(), in.confirmation());
      case Incoming in -> {
        // presence and IQs are handled once dispatched; they carry no confirmation of their own
        Confirmation.confirm(in.confirmation());
        afterPendingMessages(() -> stanzas.toAccount(in.stanza()));
      }
      case FromSession fs when AccountStanzas.isMessage(fs.stanza()) -> stanzas.fromSession(fs);
      case FromSession fs -> {
        Confirmation.confirm(fs.confirmation());
        afterPendingMessages(() -> stanzas.fromSession(fs));
      }
      case Undelivered u -> delivery.undelivered(u.stanzas());
      case Acknowledged a ->
          extensions
              .hooks()
              .run(
                  AccountHooks.STORED_ACKNOWLEDGED,
                  new AccountHooks.StoredAcknowledged(account, a.storedKeys()));
      case Bind b -> sessions.bind(b);
      case Rebind r -> {
        if (sessions.rebind(r)) {
          return unstashIfIdle();
        }
      }
      case Unbind u -> sessions.ended(u.resource(), u.session(), u.finalPresence());
      case SessionGone g -> sessions.ended(g.resource(), g.session(), null);
      case AccountDeleted d -> {
        stanzas.toAccount(d.farewell());
        sessions.accountDeleted();
      }
      case NodeGone g -> {
        if (sessions.nodeGone(g)) {
          return unstashIfIdle();
        }
      }
      case InjectFailure f -> throw new IllegalStateException("injected: " + f.reason());
      case Control ctl -> sessions.control(ctl);
      default -> {}
    }
    return this;
  }

  /**
   * Runs {@code r} now, or once every message before it has been passed on, so that other stanzas
   * between the same two parties never overtake a message (RFC 6120 10.1).
   */
  private void afterPendingMessages(Runnable r) {
    if (delivery.busy()) {
      delivery.afterPending(r);
    } else {
      r.run();
    }
  }

  private void overflow(Command c) {
    if (c instanceof Incoming in) {
      services.router().bounce(in.stanza(), StanzaErrorCondition.RESOURCE_CONSTRAINT);
      Confirmation.confirm(in.confirmation());
    } else if (c instanceof Bind b) {
      b.replyTo().tell(new BindResult.Refused(StanzaErrorCondition.RESOURCE_CONSTRAINT));
    } else if (c instanceof Rebind r) {
      r.replyTo().tell(new BindResult.Refused(StanzaErrorCondition.RESOURCE_CONSTRAINT));
    }
  }

  private Behavior<Command> onIdleCheck() {
    boolean idle = System.nanoTime() - lastActivity > IDLE_PASSIVATION.toNanos();
    if (sessions.isEmpty() && idle && pendingIo == 0 && !loading && !stanzas.holding()) {
      shard.tell(new ClusterSharding.Passivate<>(getContext().getSelf()));
    }
    return this;
  }

  private Behavior<Command> onReleaseHeld() {
    if (loading || pendingIo > 0) {
      return this; // the next tick, or the next message, releases them
    }
    stanzas.releaseHeld(System.nanoTime());
    return this;
  }

  /** See {@link UserContext#await}: every other message waits until {@code then} has run. */
  @SuppressWarnings("unchecked")
  private <T> void await(CompletionStage<T> io, BiConsumer<T, Throwable> then) {
    pendingIo++;
    BiConsumer<Object, Throwable> k = (v, e) -> then.accept((T) v, e);
    getContext().pipeToSelf(io, (v, e) -> new IoDone(v, e, k));
  }
}
