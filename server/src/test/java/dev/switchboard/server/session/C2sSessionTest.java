package dev.switchboard.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.server.auth.Passwords;
import dev.switchboard.server.auth.SaslMechanism;
import dev.switchboard.server.auth.SaslMechanisms;
import dev.switchboard.server.auth.StoredCredentials;
import dev.switchboard.server.config.ServerConfig;
import dev.switchboard.server.delivery.ClientInbox;
import dev.switchboard.server.delivery.Confirmation;
import dev.switchboard.server.delivery.Unconfirmed;
import dev.switchboard.server.metrics.Metrics;
import dev.switchboard.server.routing.AccountRoutes;
import dev.switchboard.server.routing.ClusterDirectory;
import dev.switchboard.server.routing.ComponentRegistry;
import dev.switchboard.server.routing.HostedDomains;
import dev.switchboard.server.routing.Router;
import dev.switchboard.server.stream.ClientConnection;
import dev.switchboard.server.stream.StreamInput;
import dev.switchboard.server.stream.StreamMachine;
import dev.switchboard.server.stream.StreamPolicy;
import dev.switchboard.server.user.LocalOwners;
import dev.switchboard.server.user.Owners;
import dev.switchboard.server.user.UserActor;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.Namespaces;
import dev.switchboard.xmpp.StreamErrorCondition;
import dev.switchboard.xmpp.XmlReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client session actor under Pekko's ActorTestKit, on a connection that records what the session
 * asks of it, with a probe for the account's owner: login, binding, and the session's side of
 * XEP-0198 and delivery confirmation.
 */
class C2sSessionTest {
  private static final String SM = "urn:xmpp:sm:3";
  private static final StoredCredentials ALICE = Passwords.derive("secret", 4096);
  private static ActorTestKit kit;

  private final BlockingQueue<Object> written = new LinkedBlockingQueue<>();
  private final BlockingQueue<Confirmation> confirmations = new LinkedBlockingQueue<>();
  private final BlockingQueue<Element> routed = new LinkedBlockingQueue<>();
  private volatile ClientConnection.Listener listener;
  private volatile boolean held;
  private TestProbe<UserActor.Command> owner;
  private ActorRef<ClientInbox> session;

  @BeforeAll
  static void startKit() {
    kit = ActorTestKit.create();
  }

  @AfterAll
  static void stopKit() {
    kit.shutdownTestKit();
  }

  /** Writes become strings ("open example.org", "features", an element, "error conflict"...). */
  private final class RecordingConnection implements ClientConnection {
    @Override
    public void attach(Listener l) {
      listener = l;
    }

    @Override
    public void openStream(String from, String id) {
      written.add("open " + from);
    }

    @Override
    public void sendFeatures(List<Element> features) {
      written.add(features);
    }

    @Override
    public void send(Element element) {
      written.add(element);
    }

    @Override
    public void streamError(StreamErrorCondition condition, String text) {
      written.add("error " + condition.elementName());
    }

    @Override
    public void close() {
      written.add("close");
    }

    @Override
    public void abort() {
      written.add("abort");
    }

    @Override
    public boolean canStartTls() {
      return false;
    }

    @Override
    public void startTls() {}

    @Override
    public void readMore(boolean restart, boolean established) {}

    @Override
    public void consumed() {}

    @Override
    public void holdReading(boolean hold) {
      held = hold;
    }

    @Override
    public long pendingOutputBytes() {
      return 0;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public boolean secured() {
      return true;
    }

    @Override
    public String transport() {
      return "test";
    }
  }

  @BeforeEach
  void start() {
    owner = kit.createTestProbe();
    ServerConfig.C2s c2s =
        new ServerConfig.C2s(
            "127.0.0.1",
            5222,
            0,
            true,
            65536,
            Duration.ofSeconds(30),
            Duration.ofSeconds(60),
            Duration.ZERO,
            3,
            16,
            Duration.ofSeconds(60));
    StreamPolicy policy =
        new StreamPolicy(
            "example.org",
            true,
            List.of("PLAIN"),
            false,
            List.of(),
            Set.of(),
            List.of(SessionServices.STREAM_MANAGEMENT_FEATURE),
            Set.of(SessionServices.STREAM_MANAGEMENT),
            3);
    AtomicInteger ids = new AtomicInteger();
    StreamMachine machine =
        new StreamMachine(
            new StreamPolicy.Hosts() {
              @Override
              public StreamPolicy find(String domain) {
                return "example.org".equals(domain) ? policy : null;
              }

              @Override
              public String fallbackDomain() {
                return "example.org";
              }
            },
            () -> "id" + ids.incrementAndGet());
    Map<String, SaslMechanism> mechanisms =
        Map.of("PLAIN", SaslMechanisms.create(List.of("PLAIN"), ForkJoinPool.commonPool()).get(0));
    ClusterDirectory directory = new ClusterDirectory();
    Router router =
        new Router(
            new HostedDomains(List.of("example.org")),
            new ComponentRegistry(directory),
            new AccountRoutes() {
              @Override
              public void toAccount(Jid to, Element stanza, Confirmation c) {
                routed.add(stanza);
              }

              @Override
              public void fromSession(Jid from, Element stanza, Confirmation c) {
                routed.add(stanza);
                if (c != null) {
                  confirmations.add(c);
                }
              }
            },
            directory);
    SessionServices services =
        new SessionServices(
            c2s,
            machine,
            mechanisms,
            domain ->
                username ->
                    CompletableFuture.completedFuture(
                        username.equals("alice") ? Optional.of(ALICE) : Optional.empty()),
            router,
            new Owners(new LocalOwners(), jid -> owner.ref()),
            (domain, iq, secured) -> CompletableFuture.completedFuture(iq),
            new Metrics(),
            () -> "sm" + ids.incrementAndGet(),
            new ResumableSessions(),
            Optional::empty,
            domain -> Map.of(),
            "node-1");
    session = kit.spawn(C2sSession.create(services, new RecordingConnection()));
    await().atMost(Duration.ofSeconds(5)).until(() -> listener != null);
  }

  private void input(String xml) {
    listener.input(new StreamInput.Received(XmlReader.parseElement(xml)));
  }

  private void header() {
    listener.input(
        new StreamInput.Opened(Map.of("to", "example.org", "version", "1.0"), Namespaces.CLIENT));
  }

  private Object next() throws InterruptedException {
    Object o = written.poll(5, TimeUnit.SECONDS);
    assertThat(o).as("something written").isNotNull();
    return o;
  }

  private Element nextElement() throws InterruptedException {
    Object o = next();
    assertThat(o).isInstanceOf(Element.class);
    return (Element) o;
  }

  /** Logs in as alice, binds "phone" and enables stream management. */
  private void established() throws Exception {
    header();
    assertThat(next()).isEqualTo("open example.org");
    next(); // features
    input("<auth xmlns='" + Namespaces.SASL + "' mechanism='PLAIN'>AGFsaWNlAHNlY3JldA==</auth>");
    assertThat(nextElement().name()).isEqualTo("success");
    header();
    assertThat(next()).isEqualTo("open example.org");
    next();
    input(
        "<iq type='set' id='b'><bind xmlns='"
            + Namespaces.BIND
            + "'><resource>phone</resource></bind></iq>");
    UserActor.Bind bind = owner.expectMessageClass(UserActor.Bind.class);
    assertThat(bind.requestedResource()).isEqualTo("phone");
    bind.replyTo()
        .tell(new UserActor.BindResult.Bound(Jid.parse("alice@example.org/phone"), owner.ref()));
    Element result = nextElement();
    assertThat(result.attr("id")).isEqualTo("b");
    input("<enable xmlns='" + SM + "' resume='true'/>");
    Element enabled = nextElement();
    assertThat(enabled.name()).isEqualTo("enabled");
    assertThat(enabled.attr("resume")).isEqualTo("true");
  }

  @Test
  void aClientLogsInAndBindsThroughTheAccountsOwner() throws Exception {
    established();
  }

  @Test
  void aWrongPasswordGetsNotAuthorized() throws Exception {
    header();
    next();
    next();
    input("<auth xmlns='" + Namespaces.SASL + "' mechanism='PLAIN'>AGFsaWNlAHdyb25n</auth>");
    Element failure = nextElement();
    assertThat(failure.name()).isEqualTo("failure");
    assertThat(failure.child("not-authorized", Namespaces.SASL)).isNotNull();
  }

  @Test
  void aMessageCountsInTheAcknowledgementOnlyOnceConfirmed() throws Exception {
    established();
    input("<message to='bob@example.org' id='m1'><body>hi</body></message>");
    Confirmation c = confirmations.poll(5, TimeUnit.SECONDS);
    assertThat(c).isNotNull();
    assertThat(routed.poll(5, TimeUnit.SECONDS).attr("from")).isEqualTo("alice@example.org/phone");
    input("<r xmlns='" + SM + "'/>");
    Element early = nextElement();
    assertThat(early.name()).isEqualTo("a");
    assertThat(early.attr("h")).isEqualTo("0");
    c.confirm();
    Element later = nextElement();
    assertThat(later.name()).isEqualTo("a");
    assertThat(later.attr("h")).isEqualTo("1");
  }

  @Test
  void aClientWithAWindowOfUnconfirmedMessagesIsNotReadFromUntilHalfAreConfirmed()
      throws Exception {
    established();
    List<Confirmation> waiting = new java.util.ArrayList<>();
    for (int i = 0; i < Unconfirmed.WINDOW; i++) {
      assertThat(held).as("held after %d messages", i).isFalse();
      input("<message to='bob@example.org' id='m" + i + "'><body>hi</body></message>");
      Confirmation c = confirmations.poll(5, TimeUnit.SECONDS);
      assertThat(c).isNotNull();
      waiting.add(c);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> held);
    for (int i = 0; i < Unconfirmed.WINDOW / 2 - 1; i++) {
      waiting.get(i).confirm();
    }
    input("<r xmlns='" + SM + "'/>"); // a marker: the confirmations before it have been taken
    assertThat(lastAck()).isEqualTo(Unconfirmed.WINDOW / 2 - 1);
    assertThat(held).isTrue();
    waiting.get(Unconfirmed.WINDOW / 2 - 1).confirm();
    await().atMost(Duration.ofSeconds(5)).until(() -> !held);
  }

  /** The h of the next {@code <a/>} written, skipping anything else. */
  private long lastAck() throws InterruptedException {
    while (true) {
      Object o = next();
      if (o instanceof Element e && e.name().equals("a")) {
        return Long.parseLong(e.attr("h"));
      }
    }
  }

  @Test
  void anUnconfirmedMessageIsSentAgainWhenTheOwnerIsReplaced() throws Exception {
    established();
    input("<message to='bob@example.org' id='m1'><body>hi</body></message>");
    Confirmation first = confirmations.poll(5, TimeUnit.SECONDS);
    assertThat(first).isNotNull();
    // the owner actor moved: the session registers with the new one and sends the message again
    session.tell(new SessionCommand.OwnerLost());
    UserActor.Rebind rebind = owner.expectMessageClass(UserActor.Rebind.class);
    rebind
        .replyTo()
        .tell(new UserActor.BindResult.Bound(Jid.parse("alice@example.org/phone"), owner.ref()));
    Confirmation again = confirmations.poll(5, TimeUnit.SECONDS);
    assertThat(again).isNotNull();
    assertThat(again.seq()).isEqualTo(first.seq());
  }

  @Test
  void deliveriesAreCountedAndTheClientIsAskedToAcknowledge() throws Exception {
    established();
    for (int i = 0; i < 5; i++) {
      session.tell(
          new ClientInbox.Deliver(
              XmlReader.parseElement(
                  "<message xmlns='jabber:client' from='bob@example.org/x' to='alice@example.org/phone'><body>"
                      + i
                      + "</body></message>")));
      assertThat(nextElement().name()).isEqualTo("message");
    }
    assertThat(nextElement().name()).isEqualTo("r");
    input("<a xmlns='" + SM + "' h='5'/>");
    input("<a xmlns='" + SM + "' h='9'/>");
    assertThat(next()).isEqualTo("error undefined-condition");
  }

  @Test
  void aConflictEndsTheStreamAndTheOwnerHearsTheSessionGo() throws Exception {
    established();
    session.tell(new ClientInbox.Terminate(StreamErrorCondition.CONFLICT, "replaced"));
    assertThat(next()).isEqualTo("error conflict");
    UserActor.Unbind unbind = owner.expectMessageClass(UserActor.Unbind.class);
    assertThat(unbind.resource()).isEqualTo("phone");
  }

  @Test
  void aCrashEndsOnlyThisStreamWithInternalServerError() throws Exception {
    established();
    session.tell(new ClientInbox.InjectFailure("test"));
    assertThat(next()).isEqualTo("error internal-server-error");
    owner.expectMessageClass(UserActor.Unbind.class);
  }
}
