package dev.switchboard.server.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.server.delivery.ClientInbox;
import dev.switchboard.server.delivery.Confirmation;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.Namespaces;
import dev.switchboard.xmpp.StanzaErrorCondition;
import dev.switchboard.xmpp.XmlReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The router's destinations and its confirmation rule, with the accounts side recorded. */
class RouterTest {
  private static final ActorTestKit KIT = ActorTestKit.create();

  /** What reached the accounts' owners. */
  private record ToAccount(Jid to, Element stanza, Confirmation confirmation) {}

  private final List<ToAccount> accounts = new ArrayList<>();
  private final List<Element> conference = new ArrayList<>();
  private Router router;

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    ClusterDirectory directory = new ClusterDirectory();
    HostedDomains hosted = new HostedDomains(List.of("example.org", "example.net"));
    hosted
        .serverIqs("example.org")
        .register("urn:xmpp:ping", iq -> CompletableFuture.completedFuture(iq.result()));
    ComponentRegistry components = new ComponentRegistry(directory);
    components.register("conference.example.org", conference::add);
    router =
        new Router(
            hosted,
            components,
            new AccountRoutes() {
              @Override
              public void toAccount(Jid to, Element stanza, Confirmation confirmation) {
                accounts.add(new ToAccount(to, stanza, confirmation));
              }

              @Override
              public void fromSession(Jid from, Element stanza, Confirmation confirmation) {
                accounts.add(new ToAccount(from, stanza, confirmation));
              }
            },
            directory);
  }

  private static Element message(String from, String to) {
    return XmlReader.parseElement(
        "<message xmlns='jabber:client' from='"
            + from
            + "' to='"
            + to
            + "' id='m1'><body>hi</body></message>");
  }

  @Test
  void everyAddressHasOneDestination() {
    assertThat(router.destination(Jid.parse("bob@example.net/phone")))
        .isEqualTo(new Destination.Account(Jid.parse("bob@example.net/phone")));
    assertThat(router.destination(Jid.parse("example.org")))
        .isEqualTo(new Destination.HostedDomain("example.org"));
    assertThat(router.destination(Jid.parse("example.org/admin")))
        .isEqualTo(new Destination.HostedDomain("example.org"));
    assertThat(router.destination(Jid.parse("room@conference.example.org/nick")))
        .isEqualTo(new Destination.Component("conference.example.org"));
    assertThat(router.destination(Jid.parse("someone@jabber.example")))
        .isEqualTo(new Destination.Remote("jabber.example"));
    assertThat(router.destination(null)).isEqualTo(new Destination.Nowhere());
  }

  @Test
  void aMessageToAnAccountTravelsOnWithItsConfirmation() {
    TestProbe<ClientInbox> sender = KIT.createTestProbe();
    Confirmation c = new Confirmation(sender.ref(), 7);
    router.route(message("alice@example.org/a", "bob@example.net"), c);
    assertThat(accounts).hasSize(1);
    assertThat(accounts.get(0).to()).isEqualTo(Jid.parse("bob@example.net"));
    assertThat(accounts.get(0).confirmation()).isSameAs(c);
    sender.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aMessageToAnotherServerIsBouncedAndConfirmed() {
    TestProbe<ClientInbox> sender = KIT.createTestProbe();
    router.route(
        message("alice@example.org/a", "carol@jabber.example"), new Confirmation(sender.ref(), 3));
    sender.expectMessage(new ClientInbox.Confirmed(3));
    assertThat(accounts).hasSize(1);
    Element bounce = accounts.get(0).stanza();
    assertThat(bounce.attr("type")).isEqualTo("error");
    assertThat(bounce.attr("to")).isEqualTo("alice@example.org/a");
    assertThat(
            bounce
                .child("error", Namespaces.CLIENT)
                .child("remote-server-not-found", Namespaces.STANZAS))
        .isNotNull();
  }

  @Test
  void aStanzaForAComponentGoesToItsModule() {
    TestProbe<ClientInbox> sender = KIT.createTestProbe();
    Element m = message("alice@example.org/a", "room@conference.example.org");
    router.route(m, new Confirmation(sender.ref(), 1));
    assertThat(conference).containsExactly(m);
    sender.expectMessage(new ClientInbox.Confirmed(1));
  }

  @Test
  void anIqToAHostedDomainIsAnsweredByItsHandlers() {
    router.route(
        XmlReader.parseElement(
            "<iq xmlns='jabber:client' type='get' id='p' from='alice@example.org/a' to='example.org'><ping xmlns='urn:xmpp:ping'/></iq>"));
    assertThat(accounts).hasSize(1);
    assertThat(accounts.get(0).stanza().attr("type")).isEqualTo("result");
    // the other hosted domain has no ping handler of its own
    router.route(
        XmlReader.parseElement(
            "<iq xmlns='jabber:client' type='get' id='q' from='alice@example.org/a' to='example.net'><ping xmlns='urn:xmpp:ping'/></iq>"));
    assertThat(accounts.get(1).stanza().attr("type")).isEqualTo("error");
  }

  @Test
  void theServersOwnRequestsGetTheirRepliesAndOnlyFromTheAddressee() throws Exception {
    Element request =
        XmlReader.parseElement(
            "<iq xmlns='jabber:client' type='get' from='example.org' to='bob@example.net/phone'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
    CompletableFuture<Element> reply =
        router.requests().send(request, Duration.ofSeconds(5)).toCompletableFuture();
    Element sent = accounts.get(0).stanza();
    String id = sent.attr("id");
    assertThat(id).startsWith("sbiq-");
    // a forged answer from someone else is dropped
    router.route(
        XmlReader.parseElement(
            "<iq xmlns='jabber:client' type='result' id='"
                + id
                + "' from='mallory@example.net/x' to='example.org'/>"));
    assertThat(reply).isNotDone();
    router.route(
        XmlReader.parseElement(
            "<iq xmlns='jabber:client' type='result' id='"
                + id
                + "' from='bob@example.net/phone' to='example.org'/>"));
    assertThat(reply.get(5, TimeUnit.SECONDS).attr("type")).isEqualTo("result");
    assertThat(router.requests().waiting()).isZero();
  }

  @Test
  void anUnansweredRequestTimesOut() {
    CompletableFuture<Element> reply =
        router
            .requests()
            .send(
                XmlReader.parseElement(
                    "<iq xmlns='jabber:client' type='get' from='example.org' to='bob@example.net/phone'><ping xmlns='urn:xmpp:ping'/></iq>"),
                Duration.ofMillis(50))
            .toCompletableFuture();
    assertThat(reply)
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableThat()
        .havingRootCause()
        .isInstanceOf(java.util.concurrent.TimeoutException.class);
  }

  @Test
  void bouncesNeverAnswerErrorsOrPresence() {
    router.bounce(
        XmlReader.parseElement(
            "<presence xmlns='jabber:client' from='a@example.org/x' to='b@elsewhere'/>"),
        StanzaErrorCondition.SERVICE_UNAVAILABLE);
    router.bounce(
        XmlReader.parseElement(
            "<message xmlns='jabber:client' type='error' from='a@example.org/x' to='b@elsewhere'/>"),
        StanzaErrorCondition.SERVICE_UNAVAILABLE);
    assertThat(accounts).isEmpty();
  }
}
