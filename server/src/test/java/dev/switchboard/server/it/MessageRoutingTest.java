package dev.switchboard.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RFC 6121 section 8.5: delivery of messages and IQs to a local account's bare JID and full JIDs,
 * by type, priority and availability, and the errors (or silence) when there is no one to take
 * them.
 */
class MessageRoutingTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    for (String u :
        List.of(
            "ma-sender",
            "ma-user",
            "mb-sender",
            "mb-user",
            "mc-sender",
            "mc-user",
            "md-sender",
            "md-user",
            "me-sender",
            "me-user",
            "mf-sender",
            "mf-user",
            "mg-sender",
            "mg-user")) {
      server.createAccount(u, "pw");
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String message(String type, Jid to, String body) {
    return "<message type='" + type + "' to='" + to + "'><body>" + body + "</body></message>";
  }

  static Predicate<Element> body(String text) {
    return e ->
        e.name().equals("message")
            && !"error".equals(e.attr("type"))
            && text.equals(e.childText("body", e.namespace()));
  }

  static Predicate<Element> bounce(String text) {
    return e ->
        e.name().equals("message")
            && "error".equals(e.attr("type"))
            && text.equals(e.childText("body", e.namespace()));
  }

  /** The error the sender gets back, checked to come from the address it wrote to. */
  static String errorFor(Peer sender, String text, Jid to) throws Exception {
    Element error = sender.expect("an error for " + text, bounce(text));
    assertThat(error.attr("from")).isEqualTo(to.toString());
    return Peer.errorCondition(error);
  }

  /** Lets {@code sender}'s stanzas to {@code user} be fully processed; returns what user got. */
  static List<Element> settled(Peer sender, Peer user) throws Exception {
    sender.sync(user.bare());
    return user.sync();
  }

  @Test
  void bareJidMessageGoesToEveryAvailableResource() throws Exception {
    try (Peer s = Peer.online(server, "ma-sender", "s");
        Peer one = Peer.online(server, "ma-user", "one");
        Peer two = Peer.online(server, "ma-user", "two");
        Peer connected = Peer.login(server, "ma-user", "connected")) {
      for (String type : List.of("chat", "normal", "headline")) {
        s.send(message(type, one.bare(), "to all " + type));
        one.expect(type, body("to all " + type));
        two.expect(type, body("to all " + type));
      }
      // groupchat to a bare JID is refused even with resources available (RFC 6121 8.5.2.1.1)
      s.send(message("groupchat", one.bare(), "group"));
      assertThat(errorFor(s, "group", one.bare())).isEqualTo("service-unavailable");
      assertThat(settled(s, one)).noneMatch(body("group"));
      // a connected resource that has not sent initial presence is not available
      assertThat(settled(s, connected)).noneMatch(e -> e.name().equals("message"));
      assertThat(s.sync()).noneMatch(e -> e.name().equals("message"));
    }
  }

  @Test
  void negativePriorityResourceGetsOnlyFullJidMessages() throws Exception {
    try (Peer s = Peer.online(server, "mb-sender", "s");
        Peer normal = Peer.online(server, "mb-user", "normal");
        Peer low = Peer.online(server, "mb-user", "low")) {
      low.send("<presence><priority>-1</priority></presence>");
      low.sync();

      s.send(message("chat", normal.bare(), "bare"));
      normal.expect("bare message", body("bare"));
      assertThat(settled(s, low)).noneMatch(body("bare"));

      s.send(message("chat", low.jid, "full"));
      low.expect("full-JID message", body("full"));
      assertThat(settled(s, normal)).noneMatch(body("full"));
    }
  }

  @Test
  void noResourceWithNonNegativePriority() throws Exception {
    try (Peer s = Peer.online(server, "mc-sender", "s");
        Peer low = Peer.online(server, "mc-user", "low");
        Peer connected = Peer.login(server, "mc-user", "connected")) {
      low.send("<presence><priority>-5</priority></presence>");
      low.sync();
      // chat and normal go to offline storage (RFC 6121 8.5.2.2.1, XEP-0160): no error, and
      // not shown to the negative-priority resource
      for (String type : List.of("chat", "normal")) {
        s.send(message(type, low.bare(), "nobody " + type));
      }
      assertThat(s.sync(low.bare())).noneMatch(e -> "error".equals(e.attr("type")));
      // groupchat to a bare JID: service-unavailable; headline: dropped silently
      s.send(message("groupchat", low.bare(), "group"));
      assertThat(errorFor(s, "group", low.bare())).isEqualTo("service-unavailable");
      s.send(message("headline", low.bare(), "news"));
      assertThat(s.sync(low.bare())).noneMatch(e -> e.name().equals("message"));
      assertThat(low.sync()).noneMatch(e -> e.name().equals("message"));
      assertThat(connected.sync()).noneMatch(e -> e.name().equals("message"));
    }
  }

  @Test
  void fullJidOfAnUnknownResourceFallsBackByType() throws Exception {
    try (Peer s = Peer.online(server, "md-sender", "s");
        Peer u = Peer.online(server, "md-user", "here")) {
      Jid gone = u.bare().withResource("gone");
      for (String type : List.of("chat", "normal")) {
        s.send(message(type, gone, "fallback " + type));
        u.expect("as if to the bare JID", body("fallback " + type));
      }
      s.send(message("groupchat", gone, "group"));
      assertThat(errorFor(s, "group", gone)).isEqualTo("service-unavailable");
      s.send(message("headline", gone, "news"));
      assertThat(s.sync(u.bare())).noneMatch(e -> e.name().equals("message"));
      assertThat(u.sync()).noneMatch(body("news"));
    }
  }

  @Test
  void fullJidMessageReachesAConnectedResourceThatIsNotAvailable() throws Exception {
    try (Peer s = Peer.online(server, "me-sender", "s");
        Peer connected = Peer.login(server, "me-user", "connected")) {
      s.send(message("chat", connected.jid, "direct"));
      connected.expect("message to its full JID", body("direct"));
      // but the bare JID has no available resource: stored offline until one comes
      s.send(message("chat", connected.bare(), "bare"));
      assertThat(s.sync(connected.bare())).noneMatch(e -> "error".equals(e.attr("type")));
      assertThat(connected.sync()).noneMatch(body("bare"));
      connected.send("<presence/>");
      connected.expect("the stored message on initial presence", body("bare"));
    }
  }

  @Test
  void iqDelivery() throws Exception {
    try (Peer s = Peer.online(server, "mf-sender", "s");
        Peer u = Peer.online(server, "mf-user", "here")) {
      // to a connected full JID: delivered, and the answer goes back
      String id = Peer.nextId();
      s.send(
          "<iq type='get' id='" + id + "' to='" + u.jid + "'><query xmlns='urn:example:q'/></iq>");
      Element got = u.expect("the IQ", e -> Peer.isIq(e, id));
      assertThat(got.attr("from")).isEqualTo(s.jid.toString());
      u.send("<iq type='result' id='" + id + "' to='" + s.jid + "'/>");
      assertThat(s.expect("the result", e -> Peer.isIq(e, id)).attr("type")).isEqualTo("result");

      // to an unknown full JID: service-unavailable (RFC 6121 8.5.3.2.2)
      String id2 = Peer.nextId();
      Jid gone = u.bare().withResource("gone");
      Element r =
          s.iq(
              id2,
              "<iq type='get' id='"
                  + id2
                  + "' to='"
                  + gone
                  + "'><ping xmlns='urn:xmpp:ping'/></iq>");
      assertThat(r.attr("type")).isEqualTo("error");
      assertThat(r.attr("from")).isEqualTo(gone.toString());
      assertThat(Peer.errorCondition(r)).isEqualTo("service-unavailable");

      // to the bare JID, with a namespace the server does not handle for accounts
      String id3 = Peer.nextId();
      r =
          s.iq(
              id3,
              "<iq type='get' id='"
                  + id3
                  + "' to='"
                  + u.bare()
                  + "'><query xmlns='urn:example:unknown'/></iq>");
      assertThat(r.attr("type")).isEqualTo("error");
      assertThat(r.attr("from")).isEqualTo(u.bare().toString());
      assertThat(Peer.errorCondition(r)).isEqualTo("service-unavailable");
      assertThat(u.sync()).noneMatch(e -> e.name().equals("iq"));
    }
  }

  @Test
  void errorsAndResultsAreNeverAnsweredWithErrors() throws Exception {
    try (Peer s = Peer.online(server, "mg-sender", "s");
        Peer u = Peer.online(server, "mg-user", "here")) {
      Jid gone = u.bare().withResource("gone");
      Jid nobody = Jid.bare("nobody", TestServer.DOMAIN);
      String error =
          "<error type='cancel'><service-unavailable"
              + " xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>";
      for (Jid to : List.of(gone, nobody, nobody.withResource("r"))) {
        s.send("<message type='error' to='" + to + "'><body>e</body>" + error + "</message>");
        s.send("<iq type='error' id='" + Peer.nextId() + "' to='" + to + "'>" + error + "</iq>");
        s.send("<iq type='result' id='" + Peer.nextId() + "' to='" + to + "'/>");
      }
      s.send("<iq type='result' id='" + Peer.nextId() + "' to='" + u.bare() + "'/>");
      s.send(
          "<iq type='error' id='" + Peer.nextId() + "' to='" + u.bare() + "'>" + error + "</iq>");
      List<Element> got = s.sync(u.bare(), nobody);
      assertThat(got).isEmpty();
      // an error to a bare JID is not delivered to any resource either
      s.send("<message type='error' to='" + u.bare() + "'><body>e</body>" + error + "</message>");
      assertThat(settled(s, u)).noneMatch(e -> e.name().equals("message") || e.name().equals("iq"));
    }
  }
}
