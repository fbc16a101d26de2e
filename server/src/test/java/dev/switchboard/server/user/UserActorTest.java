package dev.switchboard.server.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.server.cluster.SessionRegistry;
import dev.switchboard.server.config.ServerConfig.ConflictPolicy;
import dev.switchboard.server.delivery.ClientInbox;
import dev.switchboard.server.delivery.Confirmation;
import dev.switchboard.server.hook.HookResult;
import dev.switchboard.server.hook.Hooks;
import dev.switchboard.server.routing.AccountRoutes;
import dev.switchboard.server.routing.ClusterDirectory;
import dev.switchboard.server.routing.ComponentRegistry;
import dev.switchboard.server.routing.HostedDomains;
import dev.switchboard.server.routing.Router;
import dev.switchboard.server.store.Database;
import dev.switchboard.server.store.GroupCommitter;
import dev.switchboard.server.store.TestDatabases;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.Namespaces;
import dev.switchboard.xmpp.StreamErrorCondition;
import dev.switchboard.xmpp.XmlReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An account's owner actor under Pekko's ActorTestKit, with a real SQLite store behind its session
 * registry and test probes for its sessions and its shard.
 */
class UserActorTest {
  private static final String NODE = "pekko://test@127.0.0.1:1#1";
  private static ActorTestKit kit;

  @TempDir Path dir;
  private Database db;
  private GroupCommitter committer;
  private LocalOwners localOwners;
  private final List<Element> routedToAccounts = new CopyOnWriteArrayList<>();
  private final Set<String> existing = ConcurrentHashMap.newKeySet();
  private final Hooks hooks = new Hooks();
  private UserServices services;
  private TestProbe<ClusterSharding.ShardCommand> shard;

  @BeforeAll
  static void startKit() {
    kit = ActorTestKit.create();
  }

  @AfterAll
  static void stopKit() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    db = TestDatabases.sqlite(dir);
    committer = new GroupCommitter(db, 100);
    localOwners = new LocalOwners();
    ClusterDirectory directory = new ClusterDirectory();
    Router router =
        new Router(
            new HostedDomains(List.of("example.org")),
            new ComponentRegistry(directory),
            new AccountRoutes() {
              @Override
              public void toAccount(Jid to, Element stanza, Confirmation c) {
                routedToAccounts.add(stanza);
                Confirmation.confirm(c);
              }

              @Override
              public void fromSession(Jid from, Element stanza, Confirmation c) {
                routedToAccounts.add(stanza);
              }
            },
            directory);
    existing.add("alice@example.org");
    services =
        new UserServices(
            router,
            committer,
            new SessionRegistry(committer),
            ConflictPolicy.REPLACE,
            jid -> CompletableFuture.completedFuture(existing.contains(jid.toString())),
            domain -> new AccountExtensions(hooks, Map.of()),
            () -> Set.of(NODE),
            localOwners);
    shard = kit.createTestProbe();
  }

  @AfterEach
  void tearDown() {
    committer.close();
    db.close();
  }

  private ActorRef<UserActor.Command> owner(String account) {
    return kit.spawn(UserActor.create(services, account, shard.ref()));
  }

  private UserActor.BindResult bind(
      ActorRef<UserActor.Command> owner, String resource, ActorRef<ClientInbox> session) {
    TestProbe<UserActor.BindResult> reply = kit.createTestProbe();
    owner.tell(new UserActor.Bind(resource, session, reply.ref(), NODE));
    return reply.receiveMessage(Duration.ofSeconds(5));
  }

  private static Element message(String to, String body) {
    return XmlReader.parseElement(
        "<message xmlns='jabber:client' type='chat' from='bob@example.org/x' to='"
            + to
            + "'><body>"
            + body
            + "</body></message>");
  }

  @Test
  void bindingGivesTheFullJidAndListsTheOwnerForDirectRouting() {
    ActorRef<UserActor.Command> alice = owner("alice@example.org");
    TestProbe<ClientInbox> session = kit.createTestProbe();
    UserActor.BindResult r = bind(alice, "phone", session.ref());
    assertThat(r).isInstanceOf(UserActor.BindResult.Bound.class);
    assertThat(((UserActor.BindResult.Bound) r).jid())
        .isEqualTo(Jid.parse("alice@example.org/phone"));
    assertThat(localOwners.get(Jid.parse("alice@example.org"))).isEqualTo(alice);
  }

  @Test
  void anAccountThatDoesNotExistCannotBind() {
    ActorRef<UserActor.Command> ghost = owner("ghost@example.org");
    assertThat(bind(ghost, "x", kit.<ClientInbox>createTestProbe().ref()))
        .isInstanceOf(UserActor.BindResult.Refused.class);
  }

  @Test
  void aSecondLoginWithTheSameResourceReplacesTheFirst() {
    ActorRef<UserActor.Command> alice = owner("alice@example.org");
    TestProbe<ClientInbox> first = kit.createTestProbe();
    TestProbe<ClientInbox> second = kit.createTestProbe();
    bind(alice, "phone", first.ref());
    assertThat(bind(alice, "phone", second.ref())).isInstanceOf(UserActor.BindResult.Bound.class);
    ClientInbox.Terminate t = first.expectMessageClass(ClientInbox.Terminate.class);
    assertThat(t.condition()).isEqualTo(StreamErrorCondition.CONFLICT);
  }

  @Test
  void aMessageToABoundResourceIsDeliveredAndThenConfirmed() {
    ActorRef<UserActor.Command> alice = owner("alice@example.org");
    TestProbe<ClientInbox> session = kit.createTestProbe();
    bind(alice, "phone", session.ref());
    TestProbe<ClientInbox> sender = kit.createTestProbe();
    Element m = message("alice@example.org/phone", "hi");
    alice.tell(new UserActor.Incoming(m, new Confirmation(sender.ref(), 4)));
    ClientInbox.Deliver d = session.expectMessageClass(ClientInbox.Deliver.class);
    assertThat(d.stanza().childText("body", Namespaces.CLIENT)).isEqualTo("hi");
    sender.expectMessage(new ClientInbox.Confirmed(4));
  }

  @Test
  void aMessageNoSessionOrModuleTakesIsBouncedAndConfirmed() {
    ActorRef<UserActor.Command> alice = owner("alice@example.org");
    TestProbe<ClientInbox> sender = kit.createTestProbe();
    alice.tell(
        new UserActor.Incoming(
            message("alice@example.org", "anyone?"), new Confirmation(sender.ref(), 1)));
    sender.expectMessage(new ClientInbox.Confirmed(1));
    await().atMost(Duration.ofSeconds(5)).until(() -> !routedToAccounts.isEmpty());
    Element bounce = routedToAccounts.get(0);
    assertThat(bounce.attr("type")).isEqualTo("error");
    assertThat(bounce.attr("to")).isEqualTo("bob@example.org/x");
  }

  @Test
  void aSendersMessagesAreHandledInTheOrderItSentThem() {
    ActorRef<UserActor.Command> alice = owner("alice@example.org");
    TestProbe<ClientInbox> session = kit.createTestProbe();
    bind(alice, "phone", session.ref());
    TestProbe<ClientInbox> sender = kit.createTestProbe();
    // the second arrives first (its predecessor was delayed between nodes): it waits
    alice.tell(
        new UserActor.Incoming(
            message("alice@example.org/phone", "2"), new Confirmation(sender.ref(), 2, 1)));
    session.expectNoMessage(Duration.ofMillis(200));
    alice.tell(
        new UserActor.Incoming(
            message("alice@example.org/phone", "1"), new Confirmation(sender.ref(), 1, -1)));
    assertThat(
            session
                .expectMessageClass(ClientInbox.Deliver.class)
                .stanza()
                .childText("body", Namespaces.CLIENT))
        .isEqualTo("1");
    assertThat(
            session
                .expectMessageClass(ClientInbox.Deliver.class)
                .stanza()
                .childText("body", Namespaces.CLIENT))
        .isEqualTo("2");
  }

  @Test
  void aSessionThatStopsIsForgottenAndItsModulesHear() {
    List<String> ended = new CopyOnWriteArrayList<>();
    hooks.register(
        AccountHooks.SESSION_ENDED,
        10,
        "test",
        e -> {
          ended.add(e.session().resource());
          return HookResult.proceed();
        });
    ActorRef<UserActor.Command> alice = owner("alice@example.org");
    ActorRef<ClientInbox> session = kit.spawn(Behaviors.receiveMessage(m -> Behaviors.stopped()));
    bind(alice, "laptop", session);
    session.tell(new ClientInbox.KeepForRebind("x", null)); // any message stops it
    await().atMost(Duration.ofSeconds(5)).until(() -> ended.contains("laptop"));
    assertThat(localOwners.get(Jid.parse("alice@example.org"))).isNull();
  }

  @Test
  void aModuleThatThrowsIsSkippedAndTheAccountGoesOn() {
    hooks.register(
        AccountHooks.RECEIVING,
        10,
        "broken",
        e -> {
          throw new IllegalStateException("planted");
        });
    ActorRef<UserActor.Command> alice = owner("alice@example.org");
    TestProbe<ClientInbox> session = kit.createTestProbe();
    bind(alice, "phone", session.ref());
    TestProbe<ClientInbox> sender = kit.createTestProbe();
    alice.tell(
        new UserActor.Incoming(
            message("alice@example.org/phone", "still"), new Confirmation(sender.ref(), 9)));
    assertThat(
            session
                .expectMessageClass(ClientInbox.Deliver.class)
                .stanza()
                .childText("body", Namespaces.CLIENT))
        .isEqualTo("still");
    sender.expectMessage(new ClientInbox.Confirmed(9));
  }

  @Test
  void presenceAndIqsGoToTheModulesHooks() {
    List<String> seen = new CopyOnWriteArrayList<>();
    hooks.register(
        AccountHooks.STANZA_IN,
        10,
        "test",
        e -> {
          seen.add(e.stanza().name());
          return HookResult.stop();
        });
    ActorRef<UserActor.Command> alice = owner("alice@example.org");
    alice.tell(
        new UserActor.Incoming(
            XmlReader.parseElement(
                "<presence xmlns='jabber:client' from='bob@example.org/x' to='alice@example.org'/>")));
    await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains("presence"));
  }
}
