package dev.switchboard.server.user;

import dev.switchboard.server.cluster.CborSerializable;
import dev.switchboard.server.cluster.SessionRegistry;
import dev.switchboard.server.config.ServerConfig.ConflictPolicy;
import dev.switchboard.server.iq.Iq;
import dev.switchboard.server.session.SessionCommand;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.Namespaces;
import dev.switchboard.xmpp.StanzaErrorCondition;
import dev.switchboard.xmpp.StreamErrorCondition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
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
 * <p>It keeps the account's bound sessions and applies RFC 6121 section 8.5 to stanzas addressed to
 * the account: to a bare JID, messages go to every available resource with non-negative priority;
 * to a full JID, to that resource, falling back by type as the RFC says. Presence and the account's
 * IQs are left to {@link UserFeature}s and account IQ handlers.
 */
public final class UserActor extends AbstractBehavior<UserActor.Command> implements UserContext {
  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "user");
  private static final Duration IDLE_PASSIVATION = Duration.ofMinutes(2);
  private static final Duration FAREWELL_GRACE = Duration.ofMillis(300);

  /** The user actor's protocol. */
  public sealed interface Command extends CborSerializable {}

  /**
   * A stanza addressed to this account, from anywhere; {@code ack}, if any, is told when it is
   * handled.
   */
  public record Incoming(Element stanza, Ack ack) implements Command {
    public Incoming(Element stanza) {
      this(stanza, null);
    }
  }

  /**
   * A stanza from one of this account's own sessions that needs the owner: presence, and messages
   * (archived for the sender before they are routed).
   */
  public record FromSession(String resource, Element stanza, Ack ack) implements Command {
    public FromSession(String resource, Element stanza) {
      this(resource, stanza, null);
    }
  }

  /** Stanzas an ending session wrote but its client never acknowledged (XEP-0198). */
  public record Undelivered(List<Delivery> stanzas) implements Command {}

  /** The client acknowledged deliveries that carried these receipts. */
  public record Acknowledged(List<String> receipts) implements Command {}

  /** Bind a resource for a new session; the answer goes to {@code replyTo}. */
  public record Bind(
      String requestedResource,
      ActorRef<SessionCommand> session,
      ActorRef<BindResult> replyTo,
      String node)
      implements Command {}

  /**
   * A bound session whose user actor went away (a crash, or a move to another node) registers
   * again, with the presence it last broadcast, so that its account's new actor knows it.
   */
  public record Rebind(
      Jid jid,
      ActorRef<SessionCommand> session,
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
  public record Unbind(String resource, ActorRef<SessionCommand> session, Element finalPresence)
      implements Command {}

  /** Passes an administrative command (kick, failure injection) to one bound session. */
  public record Control(String resource, SessionCommand command) implements Command {}

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

  private record SessionGone(String resource, ActorRef<SessionCommand> session)
      implements Command, NoSerializationVerificationNeeded {}

  private record Loaded(LoadedState state, Throwable error)
      implements Command, NoSerializationVerificationNeeded {}

  private record IoDone(Object value, Throwable error, BiConsumer<Object, Throwable> then)
      implements Command, NoSerializationVerificationNeeded {}

  private record IdleCheck() implements Command, NoSerializationVerificationNeeded {}

  private record ReleaseHeld() implements Command, NoSerializationVerificationNeeded {}

  private record RebindWaitOver() implements Command, NoSerializationVerificationNeeded {}

  private record CommitDone(long ticket) implements Command, NoSerializationVerificationNeeded {}

  private record FlushDone(String resource, List<Delivery> deliveries, long ticket)
      implements Command, NoSerializationVerificationNeeded {}

  private final UserServices services;
  private final Jid jid;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final StashBuffer<Command> stash;
  private final ArrivalOrder arrivals = new ArrivalOrder();
  private final TimerScheduler<Command> timers;
  private final Map<String, SessionEntry> sessions = new LinkedHashMap<>();
  private final Map<StateKey<?>, Object> state = new HashMap<>();
  private boolean exists;
  private boolean loading = true;
  private int pendingIo;
  private long lastActivity = System.nanoTime();
  private final Set<String> awaitingRebind = new HashSet<>();

  /** Resources of dead nodes already ended here (the reaper repeats itself until they are gone). */
  private final Set<String> reaped = new HashSet<>();

  private static final Duration REBIND_WAIT = Duration.ofSeconds(5);
  private final MessageDelivery delivery;

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
    timers.startTimerWithFixedDelay(new IdleCheck(), IDLE_PASSIVATION);
    this.delivery =
        new MessageDelivery(
            this,
            services,
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
    ctx.pipeToSelf(load(), Loaded::new);
  }

  /** Existence and every feature's state, read off the actor's thread. */
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
                    new LoadedState(false, new ArrayList<>(), List.of()));
              }
              CompletionStage<LoadedState> all =
                  services
                      .registry()
                      .of(jid)
                      .thenApply(rec -> new LoadedState(true, new ArrayList<>(), rec));
              for (UserFeature f : services.features()) {
                all =
                    all.thenCombine(
                        f.load(jid),
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
    exists = m.state().exists();
    m.state().initializers().forEach(init -> init.accept(this));
    // Sessions on live nodes that an earlier incarnation of this actor knew (it died with its
    // node, or moved) re-register soon; until they do, stanzas for the account wait, so that
    // nothing meant for them goes astray. A few seconds at most.
    Set<String> live = services.liveNodes().get();
    for (SessionRegistry.Recorded r : m.state().recorded()) {
      if (live.contains(r.node())) {
        awaitingRebind.add(r.resource());
      }
    }
    if (!awaitingRebind.isEmpty()) {
      timers.startSingleTimer(new RebindWaitOver(), REBIND_WAIT);
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
    if (!loading && pendingIo == 0 && awaitingRebind.isEmpty() && !stash.isEmpty()) {
      return stash.unstashAll(this);
    }
    return this;
  }

  private Behavior<Command> onCommand(Command c) {
    if (c instanceof RebindWaitOver) {
      awaitingRebind.clear();
      return unstashIfIdle();
    }
    boolean waitForRebind =
        !awaitingRebind.isEmpty() && (c instanceof Incoming || c instanceof FromSession);
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
      case Incoming in when !isMessage(in.stanza()) && delivery.busy() ->
          delivery.afterPending(() -> incoming(in.stanza(), in.ack()));
      case Incoming in when isMessage(in.stanza()) -> incomingMessage(in);
      case Incoming in -> incoming(in.stanza(), in.ack());
      case FromSession fs when !isMessage(fs.stanza()) && delivery.busy() ->
          delivery.afterPending(() -> fromSession(fs));
      case FromSession fs -> fromSession(fs);
      case Undelivered u -> delivery.undelivered(u.stanzas());
      case Acknowledged a -> services.features().forEach(f -> f.acknowledged(this, a.receipts()));
      case Bind b -> bind(b);
      case Rebind r -> {
        rebind(r);
        if (awaitingRebind.remove(r.jid().resource()) && awaitingRebind.isEmpty()) {
          return unstashIfIdle();
        }
      }
      case Unbind u -> ended(u.resource(), u.session(), u.finalPresence());
      case SessionGone g -> ended(g.resource(), g.session(), null);
      case AccountDeleted d -> accountDeleted(d);
      case NodeGone g -> {
        nodeGone(g);
        if (awaitingRebind.removeAll(g.resources()) && awaitingRebind.isEmpty()) {
          return unstashIfIdle();
        }
      }
      case InjectFailure f -> throw new IllegalStateException("injected: " + f.reason());
      case Control ctl -> session(ctl.resource()).ifPresent(e -> e.session().tell(ctl.command()));
      default -> {}
    }
    return this;
  }

  private static boolean isMessage(Element stanza) {
    return stanza.name().equals("message");
  }

  private void overflow(Command c) {
    if (c instanceof Incoming in) {
      services.router().bounce(in.stanza(), StanzaErrorCondition.RESOURCE_CONSTRAINT);
      Ack.confirm(in.ack());
    } else if (c instanceof Bind b) {
      b.replyTo().tell(new BindResult.Refused(StanzaErrorCondition.RESOURCE_CONSTRAINT));
    } else if (c instanceof Rebind r) {
      r.replyTo().tell(new BindResult.Refused(StanzaErrorCondition.RESOURCE_CONSTRAINT));
    }
  }

  private Behavior<Command> onIdleCheck() {
    boolean idle = System.nanoTime() - lastActivity > IDLE_PASSIVATION.toNanos();
    if (sessions.isEmpty() && idle && pendingIo == 0 && !loading && arrivals.isEmpty()) {
      shard.tell(new ClusterSharding.Passivate<>(getContext().getSelf()));
    }
    return this;
  }

  // ---- binding ----

  private void bind(Bind b) {
    if (!exists) {
      b.replyTo().tell(new BindResult.Refused(StanzaErrorCondition.NOT_AUTHORIZED));
      return;
    }
    String resource = b.requestedResource();
    if (resource == null) {
      resource = newResource();
    }
    Jid full;
    try {
      full = jid.withResource(resource);
    } catch (Jid.InvalidJidException e) {
      b.replyTo().tell(new BindResult.Refused(StanzaErrorCondition.BAD_REQUEST));
      return;
    }
    if (!takeResource(full.resource(), b.replyTo())) {
      return;
    }
    register(new SessionEntry(full, b.session(), null, false, b.node()), b.replyTo());
  }

  /** Frees a bound resource for a new session under the conflict policy; false if refused. */
  private boolean takeResource(String resource, ActorRef<BindResult> replyTo) {
    SessionEntry old = sessions.get(resource);
    if (old == null) {
      return true;
    }
    if (services.conflictPolicy() == ConflictPolicy.REJECT) {
      replyTo.tell(new BindResult.Refused(StanzaErrorCondition.CONFLICT));
      return false;
    }
    old.session()
        .tell(
            new SessionCommand.Terminate(StreamErrorCondition.CONFLICT, "replaced by a new login"));
    ended(old.resource(), old.session(), null);
    return true;
  }

  private void register(SessionEntry entry, ActorRef<BindResult> replyTo) {
    sessions.put(entry.resource(), entry);
    listLocally();
    services.registry().bound(entry.jid(), entry.node());
    getContext().watchWith(entry.session(), new SessionGone(entry.resource(), entry.session()));
    replyTo.tell(new BindResult.Bound(entry.jid(), getContext().getSelf()));
  }

  /**
   * Takes back a session that was bound to an earlier incarnation of this actor. It is assumed to
   * have fetched the roster (most clients do), so it keeps getting roster pushes.
   */
  private void rebind(Rebind r) {
    SessionEntry current = sessions.get(r.jid().resource());
    if (current != null && current.session().equals(r.session())) {
      r.replyTo().tell(new BindResult.Bound(r.jid(), getContext().getSelf()));
      return;
    }
    if (!exists) {
      r.replyTo().tell(new BindResult.Refused(StanzaErrorCondition.NOT_AUTHORIZED));
      return;
    }
    if (takeResource(r.jid().resource(), r.replyTo())) {
      SessionEntry entry = new SessionEntry(r.jid(), r.session(), r.presence(), true, r.node());
      register(entry, r.replyTo());
      Map<String, String> kept = r.kept() == null ? Map.of() : r.kept();
      services.features().forEach(f -> f.rebound(this, entry, kept));
    }
  }

  private void nodeGone(NodeGone g) {
    for (String resource : g.resources()) {
      SessionEntry known = sessions.get(resource);
      if (known != null && g.node().equals(known.node())) {
        ended(resource, known.session(), null);
      } else if (known == null && reaped.add(g.node() + "/" + resource)) {
        // this incarnation never knew it (the previous one died with the node): the contacts
        // saw it available, so they hear it go
        SessionEntry ghost =
            new SessionEntry(
                jid.withResource(resource),
                null,
                Element.of("presence", Namespaces.CLIENT),
                false,
                g.node());
        for (UserFeature f : services.features()) {
          f.sessionEnded(this, ghost, null);
        }
        services.registry().ended(ghost.jid(), g.node());
      }
    }
  }

  private String newResource() {
    String r;
    do {
      r = "sb-" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    } while (sessions.containsKey(r));
    return r;
  }

  /** Listed for direct routing while a session is bound here (see {@link LocalOwners}). */
  private void listLocally() {
    services.localOwners().listed(jid, getContext().getSelf(), !sessions.isEmpty());
  }

  private void ended(String resource, ActorRef<SessionCommand> session, Element finalPresence) {
    SessionEntry e = sessions.get(resource);
    if (e == null || !e.session().equals(session)) {
      return; // already replaced or removed
    }
    sessions.remove(resource);
    listLocally();
    getContext().unwatch(session);
    services.registry().ended(e.jid(), e.node());
    for (UserFeature f : services.features()) {
      f.sessionEnded(this, e, finalPresence);
    }
  }

  // ---- stanzas ----

  private void fromSession(FromSession fs) {
    SessionEntry from = sessions.get(fs.resource());
    if (from == null) {
      if (isMessage(fs.stanza())) {
        // its session ended, or has not re-registered with this incarnation yet: the message
        // still goes out (its sender was authenticated when it was read)
        delivery.send(
            new SessionEntry(jid.withResource(fs.resource()), null, null, false, null),
            fs.stanza(),
            fs.ack());
      } else {
        Ack.confirm(fs.ack()); // presence and IQs of a session that is gone: nothing to do
      }
      return;
    }
    if (fs.stanza().name().equals("message")) {
      delivery.send(from, fs.stanza(), fs.ack());
      return;
    }
    for (UserFeature f : services.features()) {
      if (f.outgoing(this, from, fs.stanza())) {
        return;
      }
    }
    Jid to = Jid.tryParse(fs.stanza().attr("to"));
    if (to != null && to.toBare().equals(jid)) {
      incoming(fs.stanza(), null); // to this account itself: no need to go round the router
    } else {
      route(fs.stanza());
    }
  }

  /** A message from a session, in the order its sender sent it (see {@link ArrivalOrder}). */
  private void incomingMessage(Incoming in) {
    long now = System.nanoTime();
    if (!arrivals.admit(in, now)) {
      if (!timers.isTimerActive("release-held")) {
        timers.startTimerWithFixedDelay("release-held", new ReleaseHeld(), Duration.ofSeconds(5));
      }
      return;
    }
    incoming(in.stanza(), in.ack());
    arrivals.handled(in.ack(), now);
    releaseHeld(now);
  }

  private void releaseHeld(long now) {
    if (arrivals.isEmpty()) {
      return;
    }
    for (Incoming next : arrivals.releasable(now)) {
      incoming(next.stanza(), next.ack());
    }
    if (arrivals.isEmpty()) {
      timers.cancel("release-held");
    }
  }

  private Behavior<Command> onReleaseHeld() {
    if (loading || pendingIo > 0) {
      return this; // the next tick, or the next message, releases them
    }
    releaseHeld(System.nanoTime());
    return this;
  }

  private void incoming(Element stanza, Ack ack) {
    if (stanza.name().equals("message")) {
      delivery.receive(stanza, ack);
      return;
    }
    Ack.confirm(ack);
    if (!exists && stanza.name().equals("presence")) {
      noSuchAccount(stanza);
      return;
    }
    for (UserFeature f : services.features()) {
      if (exists && f.incoming(this, stanza)) {
        return;
      }
    }
    if (stanza.name().equals("iq")) {
      iq(stanza);
    }
    // presence no feature took: nothing to do
  }

  /**
   * RFC 6121 3.1.3 and 4.3.1: a subscription request or probe for an account that does not exist is
   * answered with unsubscribed, so the asker's roster does not wait forever.
   */
  private void noSuchAccount(Element presence) {
    String type = presence.attr("type");
    Jid from = Jid.tryParse(presence.attr("from"));
    if (from != null && ("subscribe".equals(type) || "probe".equals(type))) {
      route(
          Element.builder("presence", Namespaces.CLIENT)
              .attr("from", jid.toString())
              .attr("to", from.toBare().toString())
              .attr("type", "unsubscribed")
              .build());
    }
  }

  private void iq(Element stanza) {
    String type = stanza.attr("type");
    Jid to = Jid.tryParse(stanza.attr("to"));
    boolean request = "get".equals(type) || "set".equals(type);
    if (to != null && to.isFull()) {
      SessionEntry s = sessions.get(to.resource());
      if (s != null) {
        deliver(s, stanza);
      } else if (request) {
        services.router().bounce(stanza, StanzaErrorCondition.SERVICE_UNAVAILABLE);
      }
      return;
    }
    if (!request) {
      return; // results and errors to a bare JID have no one to go to
    }
    Iq iq = Iq.parse(stanza);
    if (iq == null) {
      services.router().bounce(stanza, StanzaErrorCondition.BAD_REQUEST);
      return;
    }
    AccountIqHandler h = exists ? services.accountIqs().get(iq.payload().namespace()) : null;
    if (h == null) {
      services.router().bounce(stanza, StanzaErrorCondition.SERVICE_UNAVAILABLE);
      return;
    }
    try {
      h.handle(this, iq);
    } catch (RuntimeException e) {
      getContext().getLog().error("account IQ handler for {} failed", iq.payload().namespace(), e);
      route(iq.error(StanzaErrorCondition.INTERNAL_SERVER_ERROR));
    }
  }

  // ---- UserContext ----

  @Override
  public Jid jid() {
    return jid;
  }

  @Override
  public boolean exists() {
    return exists;
  }

  @Override
  public Collection<SessionEntry> sessions() {
    return Collections.unmodifiableCollection(sessions.values());
  }

  @Override
  public Optional<SessionEntry> session(String resource) {
    return Optional.ofNullable(sessions.get(resource));
  }

  @Override
  public void update(SessionEntry entry) {
    SessionEntry old = sessions.get(entry.resource());
    if (old == null || !old.session().equals(entry.session())) {
      return;
    }
    sessions.put(entry.resource(), entry);
    if (!old.available() && entry.available()) {
      delivery.sessionAvailable(entry); // stored messages go to it before anything new
    }
  }

  @Override
  public void keepForRebind(SessionEntry s, String key, String value) {
    if (s.session() != null) {
      s.session().tell(new SessionCommand.KeepForRebind(key, value));
    }
  }

  @Override
  public void deliver(SessionEntry to, Element stanza) {
    to.session().tell(new SessionCommand.Deliver(stanza));
  }

  @Override
  public void deliver(SessionEntry to, Delivery d) {
    to.session().tell(new SessionCommand.Deliver(d.stanza(), d.receipt()));
  }

  @Override
  public void route(Element stanza) {
    services.router().route(stanza);
  }

  private void accountDeleted(AccountDeleted d) {
    incoming(d.farewell(), null);
    // contacts see the account's resources go away and its subscriptions end (RFC 6121 2.5.2)
    for (SessionEntry s : List.copyOf(sessions.values())) {
      for (UserFeature f : services.features()) {
        f.sessionEnded(this, s, null);
      }
    }
    services.features().forEach(f -> f.accountDeleted(this));
    exists = false;
    for (SessionEntry s : sessions.values()) {
      getContext().unwatch(s.session());
      // a moment's grace so that clients read the result before the stream error (Smack, for
      // one, otherwise reports the connection error to the waiting request)
      getContext()
          .scheduleOnce(
              FAREWELL_GRACE,
              s.session(),
              new SessionCommand.Terminate(StreamErrorCondition.NOT_AUTHORIZED, "account deleted"));
    }
    sessions.clear();
    listLocally();
    state.clear();
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(StateKey<T> key) {
    return (T) state.get(key);
  }

  @Override
  public <T> void put(StateKey<T> key, T value) {
    state.put(key, value);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> void await(CompletionStage<T> io, BiConsumer<T, Throwable> then) {
    pendingIo++;
    BiConsumer<Object, Throwable> k = (v, e) -> then.accept((T) v, e);
    getContext().pipeToSelf(io, (v, e) -> new IoDone(v, e, k));
  }
}
