package dev.switchboard.server.stream;

import dev.switchboard.server.auth.SaslStep;
import dev.switchboard.server.stream.StreamAction.Bind;
import dev.switchboard.server.stream.StreamAction.Close;
import dev.switchboard.server.stream.StreamAction.Fail;
import dev.switchboard.server.stream.StreamAction.Nonza;
import dev.switchboard.server.stream.StreamAction.OpenStream;
import dev.switchboard.server.stream.StreamAction.PreAuthIq;
import dev.switchboard.server.stream.StreamAction.ReadMore;
import dev.switchboard.server.stream.StreamAction.Route;
import dev.switchboard.server.stream.StreamAction.SaslContinue;
import dev.switchboard.server.stream.StreamAction.SaslStart;
import dev.switchboard.server.stream.StreamAction.Send;
import dev.switchboard.server.stream.StreamAction.SendFeatures;
import dev.switchboard.server.stream.StreamAction.StartTls;
import dev.switchboard.server.stream.StreamInput.BindRefused;
import dev.switchboard.server.stream.StreamInput.Bound;
import dev.switchboard.server.stream.StreamInput.ClosedByClient;
import dev.switchboard.server.stream.StreamInput.Malformed;
import dev.switchboard.server.stream.StreamInput.Opened;
import dev.switchboard.server.stream.StreamInput.Received;
import dev.switchboard.server.stream.StreamInput.SaslStepped;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.Namespaces;
import dev.switchboard.xmpp.StanzaError;
import dev.switchboard.xmpp.StanzaErrorCondition;
import dev.switchboard.xmpp.StreamErrorCondition;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;

/**
 * The RFC 6120 client-to-server stream as a pure function: {@code (state, input) -> (state,
 * actions)}. It knows the protocol's states (header, STARTTLS, SASL, restart, bind) and nothing of
 * sockets, actors or storage; policy comes in through {@link StreamPolicy} and the outcomes of
 * asynchronous work (SASL steps, binding) come back as inputs.
 *
 * <p>Each hosted domain has its own {@link StreamPolicy}; the client's stream header names the
 * domain. The machine writes nothing itself: framing actions go to the session's {@link
 * ClientConnection}, in whatever form its transport uses.
 *
 * <p>Until a resource is bound the session reads in lock-step: after each element the reader pauses
 * until an action says {@link ReadMore}, so a stream restart can never race the client's next
 * bytes.
 */
public final class StreamMachine {
  private final StreamPolicy.Hosts hosts;
  private final Supplier<String> ids;

  /** The new state and the actions to carry out, in order. */
  public record Transition(StreamState state, List<StreamAction> actions) {}

  public StreamMachine(StreamPolicy.Hosts hosts, Supplier<String> ids) {
    this.hosts = hosts;
    this.ids = ids;
  }

  /** The policy of the stream's domain (known from the first header on). */
  private StreamPolicy policy(StreamState s) {
    return hosts.find(s.domain());
  }

  /**
   * Ends the stream with an error the session itself decided on (a timeout, a conflict, a
   * shutdown): our stream header first if none was sent.
   */
  public Transition terminate(StreamState s, StreamErrorCondition condition, String text) {
    if (s.phase() == Phase.CLOSED) {
      return new Transition(s, List.of());
    }
    return fail(s, condition, text);
  }

  public Transition handle(StreamState s, StreamInput input) {
    if (s.phase() == Phase.CLOSED) {
      return new Transition(s, List.of());
    }
    return switch (input) {
      case Opened o -> opened(s, o);
      case Received r -> received(s, r.element());
      case ClosedByClient c -> closed(s);
      case Malformed m -> fail(s, m.condition(), m.text());
      case SaslStepped st -> saslStepped(s, st.step());
      case Bound b -> bound(s, b);
      case BindRefused r -> bindRefused(s, r);
    };
  }

  private Transition opened(StreamState s, Opened o) {
    if (s.phase() != Phase.AWAIT_HEADER) {
      return fail(s, StreamErrorCondition.NOT_WELL_FORMED, "unexpected stream header");
    }
    String to = o.attributes().get("to");
    Jid toJid = to == null ? null : Jid.tryParse(to);
    StreamPolicy policy = toJid != null && toJid.isDomain() ? hosts.find(toJid.domainPart()) : null;
    boolean sameHost = s.domain() == null || policy != null && policy.domain().equals(s.domain());
    String host = policy != null && sameHost ? policy.domain() : hostOrFallback(s);
    String streamId = ids.get();
    StreamState next = s.opened(host, streamId);
    List<StreamAction> out = new ArrayList<>();
    out.add(new OpenStream(host, streamId));
    if (!Namespaces.CLIENT.equals(o.contentNamespace())) {
      return failAfterHeader(next, out, StreamErrorCondition.INVALID_NAMESPACE, null);
    }
    if (policy == null || !sameHost) {
      return failAfterHeader(
          next, out, StreamErrorCondition.HOST_UNKNOWN, "this server does not serve " + to);
    }
    String version = o.attributes().get("version");
    if (version == null || !version.startsWith("1.")) {
      return failAfterHeader(
          next, out, StreamErrorCondition.UNSUPPORTED_VERSION, "XMPP 1.0 streams only");
    }
    out.add(new SendFeatures(features(next, policy)));
    Phase phase = next.authenticated() ? Phase.AWAIT_BIND : Phase.NEGOTIATING;
    return new Transition(next.phase(phase), out);
  }

  private String hostOrFallback(StreamState s) {
    return s.domain() != null ? s.domain() : hosts.fallbackDomain();
  }

  private List<Element> features(StreamState s, StreamPolicy policy) {
    List<Element> out = new ArrayList<>();
    if (s.authenticated()) {
      out.add(Element.of("bind", Namespaces.BIND));
      out.add(
          Element.builder("session", Namespaces.SESSION)
              .child(Element.of("optional", Namespaces.SESSION))
              .build());
      out.addAll(policy.postAuthFeatures());
      return out;
    }
    if (!s.secured() && s.startTlsPossible()) {
      Element.Builder tls = Element.builder("starttls", Namespaces.TLS);
      if (policy.requireTls()) {
        tls.child(Element.of("required", Namespaces.TLS));
      }
      out.add(tls.build());
    }
    if (s.secured() || !policy.requireTls()) {
      List<String> mechs = policy.mechanismsFor(s.secured());
      if (!mechs.isEmpty()) {
        Element.Builder m = Element.builder("mechanisms", Namespaces.SASL);
        for (String name : mechs) {
          m.child(Element.builder("mechanism", Namespaces.SASL).text(name).build());
        }
        out.add(m.build());
      }
      out.addAll(policy.preAuthFeatures());
    }
    return out;
  }

  private Transition received(StreamState s, Element e) {
    return switch (s.phase()) {
      case NEGOTIATING -> negotiating(s, e);
      case AUTHENTICATING -> authenticating(s, e);
      case AWAIT_BIND -> awaitBind(s, e);
      case ESTABLISHED -> established(s, e);
      case BINDING ->
          fail(s, StreamErrorCondition.POLICY_VIOLATION, "stanza while binding a resource");
      case AWAIT_HEADER, CLOSED ->
          fail(s, StreamErrorCondition.NOT_WELL_FORMED, "element outside of a stream");
    };
  }

  private boolean mayAuthenticate(StreamState s) {
    return s.secured() || !policy(s).requireTls();
  }

  private Transition negotiating(StreamState s, Element e) {
    if (e.is("starttls", Namespaces.TLS)) {
      if (s.secured() || !s.startTlsPossible()) {
        // RFC 6120 5.4.2.2: failure, then the stream ends
        return new Transition(
            s.phase(Phase.CLOSED),
            List.of(new Send(Element.of("failure", Namespaces.TLS)), new Close()));
      }
      return new Transition(
          s.withTls(),
          List.of(
              new Send(Element.of("proceed", Namespaces.TLS)),
              new StartTls(),
              new ReadMore(true, false)));
    }
    if (!mayAuthenticate(s)) {
      return fail(
          s, StreamErrorCondition.POLICY_VIOLATION, "STARTTLS is required before anything else");
    }
    if (e.is("auth", Namespaces.SASL)) {
      String mech = e.attr("mechanism");
      if (mech == null || !policy(s).mechanismsFor(s.secured()).contains(mech)) {
        return saslFailure(s, "invalid-mechanism", false);
      }
      byte[] initial;
      try {
        initial = decodeSasl(e.text(), true);
      } catch (IllegalArgumentException bad) {
        return saslFailure(s, "incorrect-encoding", false);
      }
      return new Transition(s.phase(Phase.AUTHENTICATING), List.of(new SaslStart(mech, initial)));
    }
    if (e.is("iq", Namespaces.CLIENT)) {
      Element payload = e.firstElement();
      if (payload != null && policy(s).preAuthIqNamespaces().contains(payload.namespace())) {
        return new Transition(s, List.of(new PreAuthIq(e)));
      }
    }
    return fail(s, StreamErrorCondition.NOT_AUTHORIZED, "authenticate first");
  }

  private Transition authenticating(StreamState s, Element e) {
    if (e.is("response", Namespaces.SASL)) {
      byte[] data;
      try {
        data = decodeSasl(e.text(), false);
      } catch (IllegalArgumentException bad) {
        return saslFailure(s, "incorrect-encoding", false);
      }
      return new Transition(s, List.of(new SaslContinue(data)));
    }
    if (e.is("abort", Namespaces.SASL)) {
      return saslFailure(s, "aborted", true);
    }
    return fail(s, StreamErrorCondition.NOT_AUTHORIZED, "authentication in progress");
  }

  /** Decodes SASL base64; "=" is an empty response, no text at all is "no initial response". */
  private static byte[] decodeSasl(String text, boolean initial) {
    String t = text.strip();
    if (t.isEmpty()) {
      return initial ? null : new byte[0];
    }
    if (t.equals("=")) {
      return new byte[0];
    }
    return Base64.getMimeDecoder().decode(validBase64(t));
  }

  private static String validBase64(String t) {
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      boolean ok =
          c >= 'A' && c <= 'Z'
              || c >= 'a' && c <= 'z'
              || c >= '0' && c <= '9'
              || c == '+'
              || c == '/'
              || c == '='
              || Character.isWhitespace(c);
      if (!ok) {
        throw new IllegalArgumentException("not base64");
      }
    }
    return t;
  }

  private Transition saslStepped(StreamState s, SaslStep step) {
    if (s.phase() != Phase.AUTHENTICATING) {
      return new Transition(s, List.of());
    }
    return switch (step) {
      case SaslStep.Challenge c ->
          new Transition(
              s,
              List.of(
                  new Send(
                      Element.builder("challenge", Namespaces.SASL).text(encode(c.data())).build()),
                  new ReadMore(false, false)));
      case SaslStep.Success ok ->
          new Transition(
              s.authenticated(ok.username()),
              List.of(
                  new StreamAction.Authenticated(ok.username()),
                  new Send(success(ok.additionalData())),
                  new ReadMore(true, false)));
      case SaslStep.Failure f -> saslFailure(s, f.condition().elementName(), true, f.text());
    };
  }

  private static Element success(byte[] additionalData) {
    Element.Builder b = Element.builder("success", Namespaces.SASL);
    if (additionalData != null) {
      b.text(encode(additionalData));
    }
    return b.build();
  }

  private static String encode(byte[] data) {
    return data == null || data.length == 0 ? "=" : Base64.getEncoder().encodeToString(data);
  }

  private Transition saslFailure(StreamState s, String condition, boolean counts) {
    return saslFailure(s, condition, counts, null);
  }

  private Transition saslFailure(StreamState s, String condition, boolean counts, String text) {
    StreamState next = counts ? s.failedAuth() : s.phase(Phase.NEGOTIATING);
    Element.Builder failure =
        Element.builder("failure", Namespaces.SASL).child(Element.of(condition, Namespaces.SASL));
    if (text != null) {
      failure.child(
          Element.builder("text", Namespaces.SASL).attr("xml:lang", "en").text(text).build());
    }
    List<StreamAction> out = new ArrayList<>();
    out.add(new Send(failure.build()));
    if (next.authFailures() >= policy(s).maxAuthFailures()) {
      out.add(
          new Fail(
              StreamErrorCondition.POLICY_VIOLATION, "too many failed authentication attempts"));
      return new Transition(next.phase(Phase.CLOSED), out);
    }
    out.add(new ReadMore(false, false));
    return new Transition(next, out);
  }

  private Transition awaitBind(StreamState s, Element e) {
    if (policy(s).preBindNamespaces().contains(e.namespace())) {
      return new Transition(s, List.of(new Nonza(e, true)));
    }
    if (e.is("iq", Namespaces.CLIENT)) {
      Element bind = e.child("bind", Namespaces.BIND);
      if (bind != null && "set".equals(e.attr("type"))) {
        String resource = bind.childText("resource", Namespaces.BIND);
        if (resource != null && resource.isBlank()) {
          resource = null;
        }
        return new Transition(s.phase(Phase.BINDING), List.of(new Bind(resource, e.attr("id"))));
      }
    }
    return fail(s, StreamErrorCondition.NOT_AUTHORIZED, "bind a resource first");
  }

  private Transition bound(StreamState s, Bound b) {
    if (s.phase() != Phase.BINDING) {
      return new Transition(s, List.of());
    }
    Element result =
        Element.builder("iq", Namespaces.CLIENT)
            .attr("type", "result")
            .attr("id", b.iqId())
            .child(
                Element.builder("bind", Namespaces.BIND)
                    .child(
                        Element.builder("jid", Namespaces.BIND)
                            .text(b.fullJid().toString())
                            .build())
                    .build())
            .build();
    return new Transition(
        s.bound(b.fullJid()), List.of(new Send(result), new ReadMore(false, true)));
  }

  private Transition bindRefused(StreamState s, BindRefused r) {
    if (s.phase() != Phase.BINDING) {
      return new Transition(s, List.of());
    }
    Element iq =
        Element.builder("iq", Namespaces.CLIENT).attr("type", "set").attr("id", r.iqId()).build();
    Element error = StanzaError.reply(iq, r.condition(), null).withoutAttr("to");
    return new Transition(
        s.phase(Phase.AWAIT_BIND), List.of(new Send(error), new ReadMore(false, false)));
  }

  private Transition established(StreamState s, Element e) {
    if (!Namespaces.CLIENT.equals(e.namespace())) {
      return new Transition(s, List.of(new Nonza(e, false)));
    }
    String name = e.name();
    if (!name.equals("message") && !name.equals("presence") && !name.equals("iq")) {
      return fail(s, StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, name);
    }
    if (e.attr("from") != null) {
      Jid claimed = e.fromJid();
      if (claimed == null || !(claimed.equals(s.jid()) || claimed.equals(s.jid().toBare()))) {
        return fail(s, StreamErrorCondition.INVALID_FROM, "from does not match the bound JID");
      }
    }
    String to = e.attr("to");
    if (to != null && e.toJid() == null) {
      if ("error".equals(e.attr("type"))) {
        return new Transition(s, List.of());
      }
      Element bounce =
          StanzaError.reply(e.withAttr("to", null), StanzaErrorCondition.JID_MALFORMED, null);
      return new Transition(s, List.of(new Send(bounce)));
    }
    if (name.equals("iq") && !validIq(e)) {
      if ("error".equals(e.attr("type")) || "result".equals(e.attr("type"))) {
        return new Transition(s, List.of());
      }
      Element bounce =
          StanzaError.reply(e, StanzaErrorCondition.BAD_REQUEST, "malformed IQ").withoutAttr("to");
      return new Transition(s, List.of(new Send(bounce)));
    }
    if (name.equals("iq") && e.child("session", Namespaces.SESSION) != null && to == null) {
      // RFC 3921 session establishment: a no-op kept for older clients
      Element result =
          Element.builder("iq", Namespaces.CLIENT)
              .attr("type", "result")
              .attr("id", e.attr("id"))
              .build();
      return new Transition(s, List.of(new Send(result)));
    }
    return new Transition(s, List.of(new Route(e.withFrom(s.jid()))));
  }

  /** RFC 6120 8.2.3: an id, a known type, and exactly one payload for get and set. */
  private static boolean validIq(Element iq) {
    String type = iq.attr("type");
    if (iq.attr("id") == null || type == null) {
      return false;
    }
    return switch (type) {
      case "get", "set" -> iq.elements().size() == 1;
      case "result", "error" -> true;
      default -> false;
    };
  }

  private Transition closed(StreamState s) {
    List<StreamAction> out = new ArrayList<>();
    if (!s.headerSent()) {
      out.add(new OpenStream(hostOrFallback(s), ids.get()));
    }
    out.add(new Close());
    return new Transition(s.phase(Phase.CLOSED), out);
  }

  private Transition fail(StreamState s, StreamErrorCondition condition, String text) {
    List<StreamAction> out = new ArrayList<>();
    StreamState next = s;
    if (!s.headerSent()) {
      String id = ids.get();
      String host = hostOrFallback(s);
      out.add(new OpenStream(host, id));
      next = s.opened(host, id);
    }
    return failAfterHeader(next, out, condition, text);
  }

  private Transition failAfterHeader(
      StreamState s, List<StreamAction> out, StreamErrorCondition condition, String text) {
    out.add(new Fail(condition, text));
    return new Transition(s.phase(Phase.CLOSED), out);
  }
}
