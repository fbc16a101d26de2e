package dev.switchboard.server;

import dev.switchboard.server.account.AccountStore;
import dev.switchboard.server.account.JdbcAccountStore;
import dev.switchboard.server.cluster.ClusterJson;
import dev.switchboard.server.cluster.ClusterView;
import dev.switchboard.server.cluster.NodeInfo;
import dev.switchboard.server.cluster.NodeReaper;
import dev.switchboard.server.cluster.NodeStatus;
import dev.switchboard.server.cluster.PekkoConfig;
import dev.switchboard.server.cluster.SessionRegistry;
import dev.switchboard.server.config.ConfigError;
import dev.switchboard.server.config.ServerConfig;
import dev.switchboard.server.delivery.ClientInbox;
import dev.switchboard.server.http.Health;
import dev.switchboard.server.http.HttpListener;
import dev.switchboard.server.http.HttpReply;
import dev.switchboard.server.http.HttpRoutes;
import dev.switchboard.server.metrics.Metrics;
import dev.switchboard.server.mod.carbons.CarbonsModule;
import dev.switchboard.server.mod.csi.CsiModule;
import dev.switchboard.server.mod.disco.DiscoModule;
import dev.switchboard.server.mod.mam.MamModule;
import dev.switchboard.server.mod.offline.OfflineModule;
import dev.switchboard.server.mod.ping.PingModule;
import dev.switchboard.server.mod.register.RegisterModule;
import dev.switchboard.server.mod.roster.RosterModule;
import dev.switchboard.server.mod.version.VersionModule;
import dev.switchboard.server.module.Module;
import dev.switchboard.server.module.ModuleRegistry;
import dev.switchboard.server.module.ModuleServices;
import dev.switchboard.server.routing.ClusterDirectory;
import dev.switchboard.server.routing.ComponentRegistry;
import dev.switchboard.server.routing.HostedDomains;
import dev.switchboard.server.routing.Router;
import dev.switchboard.server.session.C2sSessions;
import dev.switchboard.server.session.SessionServices;
import dev.switchboard.server.store.BlockingExecutor;
import dev.switchboard.server.store.Database;
import dev.switchboard.server.store.GroupCommitter;
import dev.switchboard.server.tls.TlsContexts;
import dev.switchboard.server.transport.C2sListener;
import dev.switchboard.server.transport.EventLoops;
import dev.switchboard.server.user.AccountExtensions;
import dev.switchboard.server.user.LocalOwners;
import dev.switchboard.server.user.Owners;
import dev.switchboard.server.user.UserActor;
import dev.switchboard.server.user.UserServices;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.StreamErrorCondition;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles and runs one Switchboard node: storage, the actor system (a Pekko cluster, of one node
 * unless configured otherwise), the modules, and the listeners. {@link #close} undoes it in
 * reverse.
 */
public final class Server implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Server.class);

  private final ServerConfig config;
  private final List<Supplier<Module>> catalog;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private ActorSystem<Void> system;
  private ActorRef<C2sSessions.Command> sessions;
  private C2sListener c2s;
  private Router router;
  private Owners owners;
  private ModuleRegistry modules;
  private AccountStore accounts;
  private Metrics metrics;
  private HttpListener http;
  private final AtomicReference<ClusterView.Snapshot> clusterView =
      new AtomicReference<>(ClusterView.Snapshot.EMPTY);
  private volatile boolean accepting = true;
  private volatile boolean closed;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();

  private Server(ServerConfig config, List<Supplier<Module>> catalog) {
    this.config = config;
    this.catalog = List.copyOf(catalog);
  }

  /** Starts a node; on failure everything started so far is closed again. */
  public static Server start(ServerConfig config) {
    return start(config, defaultModules());
  }

  /**
   * Starts a node with these feature modules instead of {@link #defaultModules} (an embedding
   * application's own, or tests'); each still obeys its {@code enabled} setting.
   */
  public static Server start(ServerConfig config, List<Supplier<Module>> catalog) {
    Server s = new Server(config, catalog);
    try {
      s.run();
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private void run() {
    long t0 = System.nanoTime();
    try {
      Files.createDirectories(config.dataDir());
    } catch (IOException e) {
      throw new ConfigError(
          "switchboard.data-dir: cannot create " + config.dataDir() + ": " + e.getMessage());
    }
    TlsContexts tls = TlsContexts.load(config);

    metrics = new Metrics();
    resources.add(metrics);
    Database db = Database.open(config);
    resources.add(db);
    BlockingExecutor blocking = new BlockingExecutor(config.database().poolSize());
    resources.add(blocking);
    GroupCommitter committer = new GroupCommitter(db, config.database().maxBatch());
    resources.add(committer);
    ExecutorService cpu =
        Executors.newFixedThreadPool(
            Math.max(1, Runtime.getRuntime().availableProcessors()),
            Thread.ofPlatform().name("sb-cpu-", 0).daemon(true).factory());
    resources.add(cpu::shutdownNow);
    accounts = new JdbcAccountStore(db);

    system = ActorSystem.create(Behaviors.empty(), "switchboard", PekkoConfig.of(config));
    resources.add(() -> system.terminate());
    joinCluster();
    String selfAddress = Cluster.get(system).selfMember().address().toString();
    String nodeName =
        config.cluster().nodeName().isEmpty() ? selfAddress : config.cluster().nodeName();
    system.systemActorOf(
        NodeStatus.create(
            () ->
                new NodeInfo(
                    nodeName,
                    selfAddress,
                    config.cluster().clientHost(),
                    config.c2s().port(),
                    metrics.connections(),
                    metrics.sessions(),
                    accepting)),
        "node-status",
        Props.empty());
    system.systemActorOf(ClusterView.create(clusterView), "cluster-view", Props.empty());

    // routing: hosted domains, components and accounts, each a destination of its own
    ClusterSharding sharding = ClusterSharding.get(system);
    LocalOwners localOwners = new LocalOwners();
    ClusterDirectory directory = new ClusterDirectory();
    directory.start(system);
    HostedDomains hosted = new HostedDomains(config.hostedDomains());
    ComponentRegistry components = new ComponentRegistry(directory);
    owners =
        new Owners(localOwners, jid -> sharding.entityRefFor(UserActor.TYPE_KEY, jid.toString()));
    router = new Router(hosted, components, owners, directory);

    modules =
        new ModuleRegistry(
            new ModuleServices(config, db, blocking, committer, accounts, router, owners, system),
            hosted,
            components);
    modules.start(catalog, config.raw().getConfig("switchboard"));
    resources.add(modules::stop);

    SessionRegistry registry = new SessionRegistry(committer);
    UserServices userServices =
        new UserServices(
            router,
            committer,
            registry,
            config.onConflict(),
            jid -> blocking.submit(() -> accounts.exists(jid)),
            domain ->
                hosted.hosts(domain)
                    ? modules.host(domain).accountExtensions()
                    : AccountExtensions.none(),
            this::liveNodes,
            localOwners);
    sharding.init(
        Entity.of(
                UserActor.TYPE_KEY,
                ec -> UserActor.create(userServices, ec.getEntityId(), ec.getShard()))
            .withStopMessage(new UserActor.Stop()));
    system.systemActorOf(
        NodeReaper.create(
            registry,
            (account, node, resources) ->
                owners.of(account).tell(new UserActor.NodeGone(node, resources))),
        "node-reaper",
        Props.empty());

    SessionServices services =
        SessionWiring.services(
            config,
            modules,
            cpu,
            blocking,
            accounts,
            router,
            owners,
            metrics,
            this::redirectTarget,
            Cluster.get(system).selfMember().uniqueAddress().toString());
    sessions = system.systemActorOf(C2sSessions.create(services), "c2s", Props.empty());

    EventLoops loops = new EventLoops(Runtime.getRuntime().availableProcessors());
    resources.add(loops);
    c2s =
        new C2sListener(
            config.c2s(),
            tls,
            loops,
            connection -> {
              metrics.connectionOpened();
              connection.whenClosed(metrics::connectionClosed);
              sessions.tell(new C2sSessions.Accept(connection));
            });
    resources.add(c2s);
    c2s.start();
    if (config.http().port() > 0) {
      http =
          new HttpListener(
              config.http(),
              loops.boss(),
              loops.workers(),
              loops.serverChannelClass(),
              adminRoutes(HttpRoutes.standard(metrics, this::health)));
      resources.add(http);
      http.start();
    }

    if (!config.c2s().requireTls()) {
      LOG.warn(
          "c2s.require-tls is off: clients may authenticate without TLS, with PLAIN in the clear."
              + " Use this only for benchmarks on loopback.");
    }
    StartupBanner.print(
        config,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
        loops.epoll(),
        c2s.addresses(),
        http == null ? null : http.address(),
        tls);
  }

  /** The unique addresses of the cluster members that are not down. */
  private Set<String> liveNodes() {
    Set<String> live = new HashSet<>();
    for (Member m : Cluster.get(system).state().getMembers()) {
      if (m.status() != MemberStatus.down()) {
        live.add(m.uniqueAddress().toString());
      }
    }
    return live;
  }

  /** Where a new client should go instead of here, when balancing is on and this node is busy. */
  private Optional<String> redirectTarget() {
    int above = config.cluster().redirectAbove();
    if (above == 0 || metrics.connections() <= above) {
      return Optional.empty();
    }
    return clusterView
        .get()
        .leastLoadedOther()
        .filter(n -> n.connections() < metrics.connections() - 1)
        .map(n -> n.c2sHost() + ":" + n.c2sPort());
  }

  private Health health() {
    return accepting ? Health.UP : Health.down("draining");
  }

  /** {@code GET /admin/cluster} (members and load) and {@code POST /admin/cluster/leave}. */
  private HttpRoutes adminRoutes(HttpRoutes routes) {
    return routes
        .get("/admin/cluster", r -> HttpReply.json(200, ClusterJson.of(clusterView.get())))
        .post(
            "/admin/cluster/leave",
            r -> {
              Thread.ofPlatform().name("switchboard-leave").start(this::close);
              return HttpReply.json(202, "{\"status\":\"leaving\"}");
            });
  }

  /** The feature modules every node runs (one instance per hosted domain), unless disabled. */
  public static List<Supplier<Module>> defaultModules() {
    return List.of(
        DiscoModule::new,
        PingModule::new,
        VersionModule::new,
        RosterModule::new,
        MamModule::new,
        OfflineModule::new,
        CarbonsModule::new,
        CsiModule::new,
        RegisterModule::new);
  }

  /**
   * Joins the cluster: a node without seeds joins itself, others join through their seeds. Waits
   * until this node is Up, so sharding can place accounts at once.
   */
  private void joinCluster() {
    Cluster cluster = Cluster.get(system);
    if (config.cluster().seeds().isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (cluster.selfMember().status() != MemberStatus.up()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the cluster node did not come up within 60 s");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting", e);
      }
    }
  }

  private static void waitUntil(java.util.function.BooleanSupplier done, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The latest picture of the cluster (members, status, load). */
  public ClusterView.Snapshot cluster() {
    return clusterView.get();
  }

  public ServerConfig config() {
    return config;
  }

  /** Where the c2s listeners are bound (STARTTLS first, then direct TLS if enabled). */
  public List<InetSocketAddress> c2sAddresses() {
    return c2s.addresses();
  }

  /** Open client connections on this node. */
  public int connections() {
    return metrics.connections();
  }

  /**
   * Sends an administrative command to the session bound to {@code fullJid}, wherever it runs (used
   * to kick a user, and by tests to make a session crash).
   */
  public void control(Jid fullJid, ClientInbox command) {
    owners.of(fullJid).tell(new UserActor.Control(fullJid.resource(), command));
  }

  /** Sends a command to the user actor that owns {@code account} (admin tools and tests). */
  public void tellUser(Jid account, UserActor.Command command) {
    owners.of(account).tell(command);
  }

  /** The started modules, by hosted domain (for the admin tools and tests). */
  public ModuleRegistry modules() {
    return modules;
  }

  /** The account store, for the admin tools and tests. */
  public AccountStore accounts() {
    return accounts;
  }

  /** The actor system, for tests and the admin tools. */
  public ActorSystem<Void> actorSystem() {
    return system;
  }

  /**
   * Drains and stops the node: no new connections; every client is told to reconnect to the least
   * loaded other node ({@code <see-other-host/>}) or, with none, that the server shuts down; their
   * unacknowledged messages go back to their accounts; then the node leaves the cluster, handing
   * its accounts' actors to the other nodes, and everything else stops in reverse order.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    accepting = false;
    if (c2s != null) {
      c2s.close();
    }
    if (sessions != null) {
      Optional<NodeInfo> other = clusterView.get().leastLoadedOther();
      sessions.tell(
          other.isPresent()
              ? new C2sSessions.Shutdown(
                  StreamErrorCondition.SEE_OTHER_HOST,
                  other.get().c2sHost() + ":" + other.get().c2sPort())
              : new C2sSessions.Shutdown(
                  StreamErrorCondition.SYSTEM_SHUTDOWN, "the server is shutting down"));
      waitUntil(() -> metrics.connections() == 0, Duration.ofSeconds(5));
    }
    if (system != null) {
      // leave the cluster: sharding hands this node's accounts over before the system stops
      try {
        CoordinatedShutdown.get(system)
            .runAll(CoordinatedShutdown.clusterLeavingReason())
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("leaving the cluster did not finish cleanly", e);
      }
    }
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        LOG.warn("error while stopping", e);
      }
    }
    resources.clear();
    if (system != null) {
      try {
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("actor system did not stop in time", e);
      }
    }
    stopped.complete(null);
  }

  /** Completes once the node has stopped, whoever stopped it (a signal, {@code cluster leave}). */
  public CompletableFuture<Void> whenStopped() {
    return stopped;
  }
}
