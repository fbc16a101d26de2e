package dev.switchboard.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.server.auth.SaslFailure;
import dev.switchboard.server.auth.SaslStep;
import dev.switchboard.server.stream.StreamAction.Bind;
import dev.switchboard.server.stream.StreamAction.Close;
import dev.switchboard.server.stream.StreamAction.Fail;
import dev.switchboard.server.stream.StreamAction.Nonza;
import dev.switchboard.server.stream.StreamAction.OpenStream;
import dev.switchboard.server.stream.StreamAction.ReadMore;
import dev.switchboard.server.stream.StreamAction.Route;
import dev.switchboard.server.stream.StreamAction.SaslStart;
import dev.switchboard.server.stream.StreamAction.Send;
import dev.switchboard.server.stream.StreamAction.SendFeatures;
import dev.switchboard.server.stream.StreamAction.StartTls;
import dev.switchboard.server.stream.StreamMachine.Transition;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.Namespaces;
import dev.switchboard.xmpp.StreamErrorCondition;
import dev.switchboard.xmpp.XmlReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The RFC 6120 stream machine fed inputs directly: no socket, no actor. */
class StreamMachineTest {
  private static final String SM = "urn:xmpp:sm:3";
  private static final Element REGISTER = Element.of("register", Namespaces.REGISTER_FEATURE);

  private final AtomicInteger ids = new AtomicInteger();

  /** Two hosted domains; only example.net offers in-band registration. */
  private final StreamMachine machine =
      new StreamMachine(
          new StreamPolicy.Hosts() {
            @Override
            public StreamPolicy find(String domain) {
              return switch (domain == null ? "" : domain) {
                case "example.org" -> policy("example.org", List.of());
                case "example.net" -> policy("example.net", List.of(REGISTER));
                default -> null;
              };
            }

            @Override
            public String fallbackDomain() {
              return "example.org";
            }
          },
          () -> "id" + ids.incrementAndGet());

  private static StreamPolicy policy(String domain, List<Element> preAuth) {
    return new StreamPolicy(
        domain,
        true,
        List.of("SCRAM-SHA-256", "PLAIN"),
        false,
        preAuth,
        Set.of("jabber:iq:register"),
        List.of(Element.of("sm", SM)),
        Set.of(SM),
        2);
  }

  private static StreamInput.Opened header(String to) {
    return new StreamInput.Opened(
        to == null ? Map.of("version", "1.0") : Map.of("to", to, "version", "1.0"),
        Namespaces.CLIENT);
  }

  private static StreamInput.Received element(String xml) {
    return new StreamInput.Received(XmlReader.parseElement(xml));
  }

  private StreamState state = StreamState.initial(false, true);

  private List<StreamAction> feed(StreamInput in) {
    Transition t = machine.handle(state, in);
    state = t.state();
    return t.actions();
  }

  private static List<Element> features(List<StreamAction> actions) {
    return actions.stream()
        .filter(SendFeatures.class::isInstance)
        .map(a -> ((SendFeatures) a).features())
        .findFirst()
        .orElseThrow();
  }

  private static Element sent(StreamAction a) {
    assertThat(a).isInstanceOf(Send.class);
    return ((Send) a).element();
  }

  /** Header, STARTTLS, header again: a secured stream negotiating SASL for {@code domain}. */
  private List<StreamAction> secured(String domain) {
    feed(header(domain));
    assertThat(feed(element("<starttls xmlns='" + Namespaces.TLS + "'/>")))
        .hasSize(3)
        .satisfies(a -> assertThat(sent(a.get(0)).name()).isEqualTo("proceed"))
        .satisfies(a -> assertThat(a.get(1)).isInstanceOf(StartTls.class))
        .satisfies(a -> assertThat(a.get(2)).isEqualTo(new ReadMore(true, false)));
    return feed(header(domain));
  }

  /** ... then SASL success and the restarted stream: waiting for a bind. */
  private void authenticated(String domain) {
    secured(domain);
    feed(element("<auth xmlns='" + Namespaces.SASL + "' mechanism='PLAIN'>AGEAcA==</auth>"));
    feed(new StreamInput.SaslStepped(new SaslStep.Success("alice", null)));
    feed(header(domain));
    assertThat(state.phase()).isEqualTo(Phase.AWAIT_BIND);
  }

  private void bound(String domain) {
    authenticated(domain);
    feed(element("<iq type='set' id='b'><bind xmlns='" + Namespaces.BIND + "'/></iq>"));
    feed(new StreamInput.Bound(Jid.parse("alice@" + domain + "/phone"), "b"));
    assertThat(state.phase()).isEqualTo(Phase.ESTABLISHED);
  }

  @Test
  void aPlainStreamIsOfferedOnlyStartTlsWhenTlsIsRequired() {
    List<StreamAction> out = feed(header("example.org"));
    assertThat(out.get(0)).isEqualTo(new OpenStream("example.org", "id1"));
    List<Element> f = features(out);
    assertThat(f).hasSize(1);
    assertThat(f.get(0).is("starttls", Namespaces.TLS)).isTrue();
    assertThat(f.get(0).child("required", Namespaces.TLS)).isNotNull();
    assertThat(state.phase()).isEqualTo(Phase.NEGOTIATING);
  }

  @Test
  void anythingButStartTlsBeforeTlsIsAPolicyViolation() {
    feed(header("example.org"));
    List<StreamAction> out =
        feed(element("<auth xmlns='" + Namespaces.SASL + "' mechanism='PLAIN'>AGEAcA==</auth>"));
    assertThat(out)
        .containsExactly(
            new Fail(
                StreamErrorCondition.POLICY_VIOLATION,
                "STARTTLS is required before anything else"));
    assertThat(state.phase()).isEqualTo(Phase.CLOSED);
  }

  @Test
  void eachHostedDomainGetsItsOwnHeaderAndFeatures() {
    List<StreamAction> out = secured("example.net");
    assertThat(out.get(0)).isEqualTo(new OpenStream("example.net", "id2"));
    assertThat(features(out)).contains(REGISTER);
    assertThat(state.domain()).isEqualTo("example.net");

    state = StreamState.initial(true, false);
    List<StreamAction> org = feed(header("example.org"));
    assertThat(features(org)).doesNotContain(REGISTER);
    assertThat(features(org).get(0).is("mechanisms", Namespaces.SASL)).isTrue();
  }

  @Test
  void anUnknownDomainGetsHostUnknownAfterAHeaderFromTheDefaultDomain() {
    List<StreamAction> out = feed(header("elsewhere.example"));
    assertThat(out.get(0)).isEqualTo(new OpenStream("example.org", "id1"));
    assertThat(out.get(1)).isInstanceOf(Fail.class);
    assertThat(((Fail) out.get(1)).condition()).isEqualTo(StreamErrorCondition.HOST_UNKNOWN);
  }

  @Test
  void aRestartMustNameTheSameDomain() {
    secured("example.org");
    state =
        machine
            .handle(
                state,
                element("<auth xmlns='" + Namespaces.SASL + "' mechanism='PLAIN'>AGEAcA==</auth>"))
            .state();
    state =
        machine
            .handle(state, new StreamInput.SaslStepped(new SaslStep.Success("alice", null)))
            .state();
    List<StreamAction> out = feed(header("example.net"));
    assertThat(out.get(0)).isEqualTo(new OpenStream("example.org", "id3"));
    assertThat(((Fail) out.get(1)).condition()).isEqualTo(StreamErrorCondition.HOST_UNKNOWN);
  }

  @Test
  void aWrongNamespaceIsRefused() {
    List<StreamAction> out =
        feed(
            new StreamInput.Opened(Map.of("to", "example.org", "version", "1.0"), "jabber:server"));
    assertThat(((Fail) out.get(1)).condition()).isEqualTo(StreamErrorCondition.INVALID_NAMESPACE);
  }

  @Test
  void saslStartsWithTheDecodedInitialResponse() {
    secured("example.org");
    List<StreamAction> out =
        feed(element("<auth xmlns='" + Namespaces.SASL + "' mechanism='PLAIN'>AGEAcA==</auth>"));
    assertThat(out).hasSize(1);
    SaslStart start = (SaslStart) out.get(0);
    assertThat(start.mechanism()).isEqualTo("PLAIN");
    assertThat(new String(start.initialResponse(), StandardCharsets.UTF_8)).isEqualTo("\0a\0p");
    assertThat(state.phase()).isEqualTo(Phase.AUTHENTICATING);
  }

  @Test
  void anUnofferedMechanismFailsWithoutCountingAndTooManyFailuresEndTheStream() {
    secured("example.org");
    List<StreamAction> out =
        feed(element("<auth xmlns='" + Namespaces.SASL + "' mechanism='DIGEST-MD5'/>"));
    assertThat(sent(out.get(0)).child("invalid-mechanism", Namespaces.SASL)).isNotNull();
    assertThat(out.get(1)).isEqualTo(new ReadMore(false, false));
    for (int i = 0; i < 2; i++) {
      feed(element("<auth xmlns='" + Namespaces.SASL + "' mechanism='PLAIN'>AGEAcA==</auth>"));
      out =
          feed(
              new StreamInput.SaslStepped(
                  new SaslStep.Failure(SaslFailure.NOT_AUTHORIZED, "wrong password")));
    }
    Element failure = sent(out.get(0));
    assertThat(failure.child("not-authorized", Namespaces.SASL)).isNotNull();
    assertThat(failure.childText("text", Namespaces.SASL)).isEqualTo("wrong password");
    assertThat(out.get(1)).isInstanceOf(Fail.class);
    assertThat(((Fail) out.get(1)).condition()).isEqualTo(StreamErrorCondition.POLICY_VIOLATION);
  }

  @Test
  void afterAuthenticationTheRestartedStreamOffersBindAndTheModulesFeatures() {
    secured("example.org");
    feed(element("<auth xmlns='" + Namespaces.SASL + "' mechanism='PLAIN'>AGEAcA==</auth>"));
    List<StreamAction> ok = feed(new StreamInput.SaslStepped(new SaslStep.Success("alice", null)));
    assertThat(ok.get(0)).isEqualTo(new StreamAction.Authenticated("alice"));
    assertThat(sent(ok.get(1)).is("success", Namespaces.SASL)).isTrue();
    assertThat(ok.get(2)).isEqualTo(new ReadMore(true, false));
    List<Element> f = features(feed(header("example.org")));
    assertThat(f.get(0).is("bind", Namespaces.BIND)).isTrue();
    assertThat(f).contains(Element.of("sm", SM));
  }

  @Test
  void bindingAsksTheSessionAndAnswersWithTheFullJid() {
    authenticated("example.org");
    List<StreamAction> out =
        feed(
            element(
                "<iq type='set' id='b1'><bind xmlns='"
                    + Namespaces.BIND
                    + "'><resource>phone</resource></bind></iq>"));
    assertThat(out).containsExactly(new Bind("phone", "b1"));
    assertThat(state.phase()).isEqualTo(Phase.BINDING);
    out = feed(new StreamInput.Bound(Jid.parse("alice@example.org/phone"), "b1"));
    Element result = sent(out.get(0));
    assertThat(result.attr("id")).isEqualTo("b1");
    assertThat(result.child("bind", Namespaces.BIND).childText("jid", Namespaces.BIND))
        .isEqualTo("alice@example.org/phone");
    assertThat(out.get(1)).isEqualTo(new ReadMore(false, true));
  }

  @Test
  void beforeBindingOnlyTheAllowedNonzasPass() {
    authenticated("example.org");
    assertThat(feed(element("<resume xmlns='" + SM + "' previd='x' h='0'/>")))
        .containsExactly(
            new Nonza(
                XmlReader.parseElement("<resume xmlns='" + SM + "' previd='x' h='0'/>"), true));
    List<StreamAction> out = feed(element("<inactive xmlns='urn:xmpp:csi:0'/>"));
    assertThat(((Fail) out.get(0)).condition()).isEqualTo(StreamErrorCondition.NOT_AUTHORIZED);
  }

  @Test
  void aBoundClientsStanzasAreStampedAndRouted() {
    bound("example.org");
    List<StreamAction> out =
        feed(element("<message to='bob@example.org'><body>hi</body></message>"));
    Element routed = ((Route) out.get(0)).stanza();
    assertThat(routed.attr("from")).isEqualTo("alice@example.org/phone");
    assertThat(feed(element("<r xmlns='" + SM + "'/>")).get(0)).isInstanceOf(Nonza.class);
  }

  @Test
  void aSpoofedFromEndsTheStream() {
    bound("example.org");
    List<StreamAction> out =
        feed(element("<message from='mallory@example.org' to='bob@example.org'/>"));
    assertThat(((Fail) out.get(0)).condition()).isEqualTo(StreamErrorCondition.INVALID_FROM);
  }

  @Test
  void aMalformedAddressIsBouncedWithoutEndingTheStream() {
    bound("example.org");
    List<StreamAction> out = feed(element("<message to='a@b@c' id='m'><body>x</body></message>"));
    Element bounce = sent(out.get(0));
    assertThat(bounce.attr("type")).isEqualTo("error");
    assertThat(state.phase()).isEqualTo(Phase.ESTABLISHED);
  }

  @Test
  void theClientClosingItsStreamClosesOurs() {
    bound("example.org");
    assertThat(feed(new StreamInput.ClosedByClient())).containsExactly(new Close());
    assertThat(state.phase()).isEqualTo(Phase.CLOSED);
    assertThat(feed(element("<message/>"))).isEmpty();
  }

  @Test
  void theSessionsOwnErrorsOpenAStreamFirstIfNoneWasOpened() {
    Transition t = machine.terminate(state, StreamErrorCondition.CONNECTION_TIMEOUT, "slow");
    assertThat(t.actions())
        .containsExactly(
            new OpenStream("example.org", "id1"),
            new Fail(StreamErrorCondition.CONNECTION_TIMEOUT, "slow"));
    bound("example.org");
    assertThat(machine.terminate(state, StreamErrorCondition.CONFLICT, null).actions())
        .containsExactly(new Fail(StreamErrorCondition.CONFLICT, null));
  }

  @Test
  void startTlsIsRefusedWhereTheTransportCannotDoIt() {
    state = StreamState.initial(false, false);
    List<StreamAction> out = feed(header("example.org"));
    assertThat(features(out)).noneMatch(f -> f.is("starttls", Namespaces.TLS));
    out = feed(element("<starttls xmlns='" + Namespaces.TLS + "'/>"));
    assertThat(sent(out.get(0)).name()).isEqualTo("failure");
    assertThat(out.get(1)).isEqualTo(new Close());
  }
}
