package dev.switchboard.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.xmpp.Element;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** XEP-0198 over real sockets: acks both ways, resumption, failed, and leftovers on session end. */
class StreamManagementTest {
  static final String SM = "urn:xmpp:sm:3";
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("c2s.max-resume-time", "2s"));
    for (String u : List.of("a1", "b1", "a2", "b2", "a3", "b3", "a4", "b4", "a5")) {
      server.createAccount(u, "pw");
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Logged in, available, SM enabled; returns the enabled element. */
  static Element loginWithSm(ScriptedClient c, String user, boolean resume) throws Exception {
    c.open();
    c.loginPlain(user, "pw");
    c.send("<enable xmlns='" + SM + "'" + (resume ? " resume='true'" : "") + "/>");
    Element enabled = c.next();
    assertThat(enabled.is("enabled", SM)).as(enabled.toXml()).isTrue();
    c.send("<presence/>");
    sync(c, user);
    return enabled;
  }

  /** Waits until the server has handled all the client sent (a ping to the own account). */
  static List<Element> sync(ScriptedClient c, String user) throws Exception {
    String id = "sync" + System.nanoTime();
    c.send(
        "<iq type='get' id='"
            + id
            + "' to='"
            + user
            + "@localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
    return until(c, e -> id.equals(e.attr("id")));
  }

  /** Reads elements until one matches; returns those before it (and it, last). */
  static List<Element> until(ScriptedClient c, Predicate<Element> p) throws Exception {
    List<Element> seen = new ArrayList<>();
    while (true) {
      Element e = c.next();
      seen.add(e);
      if (p.test(e)) {
        return seen;
      }
    }
  }

  static void send(ScriptedClient c, String to, String body) throws Exception {
    c.send("<message to='" + to + "@localhost' type='chat'><body>" + body + "</body></message>");
  }

  static List<String> bodies(List<Element> elements) {
    return elements.stream()
        .filter(e -> e.name().equals("message"))
        .map(e -> e.childText("body", "jabber:client"))
        .toList();
  }

  @Test
  void acknowledgementsBothWays() throws Exception {
    try (ScriptedClient a = new ScriptedClient(server, true);
        ScriptedClient b = new ScriptedClient(server, true)) {
      loginWithSm(a, "a1", false);
      loginWithSm(b, "b1", false);
      // presence + ping were handled since enable: h counts both
      b.send("<r xmlns='" + SM + "'/>");
      Element ack = until(b, e -> e.is("a", SM)).getLast();
      assertThat(ack.attr("h")).isEqualTo("2");

      for (int i = 0; i < 5; i++) {
        send(b, "a1", "m" + i);
      }
      b.send("<r xmlns='" + SM + "'/>");
      // the messages count once durable or delivered; the server may answer 7 at once, or a
      // lower h first and 7 in an unrequested <a/> when the rest is handled
      until(b, e -> e.is("a", SM) && "7".equals(e.attr("h")));

      List<Element> got = new ArrayList<>();
      while (bodies(got).size() < 5) {
        got.add(a.next());
      }
      assertThat(bodies(got)).containsExactly("m0", "m1", "m2", "m3", "m4");
      // the ping result and five messages were sent to a since it enabled SM
      a.send("<a xmlns='" + SM + "' h='6'/>");
      a.send("<a xmlns='" + SM + "' h='6'/>"); // repeating an ack is harmless
      sync(a, "a1");
    }
  }

  @Test
  void tooHighAckEndsTheStream() throws Exception {
    try (ScriptedClient a = new ScriptedClient(server, true)) {
      loginWithSm(a, "a2", false);
      a.send("<a xmlns='" + SM + "' h='99'/>");
      Element error = until(a, e -> e.name().equals("error")).getLast();
      assertThat(error.childIn("urn:ietf:params:xml:ns:xmpp-streams").name())
          .isEqualTo("undefined-condition");
    }
  }

  @Test
  void resumptionResendsWhatWasNotAcknowledged() throws Exception {
    String previd;
    ScriptedClient a = new ScriptedClient(server, true);
    Element enabled = loginWithSm(a, "a3", true);
    previd = enabled.attr("id");
    assertThat(enabled.attr("resume")).isEqualTo("true");
    a.close(); // the TCP connection drops, no </stream:stream>
    try (ScriptedClient b = new ScriptedClient(server, true)) {
      loginWithSm(b, "b3", false);
      for (int i = 0; i < 3; i++) {
        send(b, "a3", "while away " + i);
      }
      sync(b, "b3");
      try (ScriptedClient again = new ScriptedClient(server, true)) {
        again.open();
        String creds = java.util.Base64.getEncoder().encodeToString("\0a3\0pw".getBytes());
        again.send(
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"
                + creds
                + "</auth>");
        again.next();
        again.open();
        // a3 had acknowledged nothing: h=0 (the ping result was sent to it, unacknowledged)
        again.send("<resume xmlns='" + SM + "' previd='" + previd + "' h='0'/>");
        Element resumed = again.next();
        assertThat(resumed.is("resumed", SM)).as(resumed.toXml()).isTrue();
        assertThat(resumed.attr("previd")).isEqualTo(previd);
        List<Element> resent = until(again, e -> e.is("r", SM));
        assertThat(bodies(resent)).containsExactly("while away 0", "while away 1", "while away 2");
        // the resumed stream works both ways
        send(b, "a3", "after resume");
        assertThat(bodies(until(again, e -> e.name().equals("message"))))
            .containsExactly("after resume");
      }
    }
  }

  @Test
  void resumingAnUnknownOrExpiredStreamFailsWithH() throws Exception {
    ScriptedClient a = new ScriptedClient(server, true);
    Element enabled = loginWithSm(a, "a4", true);
    a.send("<message to='b4@localhost' type='chat'><body>x</body></message>");
    sync(a, "a4");
    a.close();
    Thread.sleep(3000); // max-resume-time is 2s here
    try (ScriptedClient again = new ScriptedClient(server, true)) {
      again.open();
      again.send(
          "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"
              + java.util.Base64.getEncoder().encodeToString("\0a4\0pw".getBytes())
              + "</auth>");
      again.next();
      again.open();
      again.send("<resume xmlns='" + SM + "' previd='no-such-id' h='0'/>");
      Element failed = again.next();
      assertThat(failed.is("failed", SM)).isTrue();
      assertThat(failed.attr("h")).isNull();
      again.send("<resume xmlns='" + SM + "' previd='" + enabled.attr("id") + "' h='0'/>");
      failed = again.next();
      assertThat(failed.is("failed", SM)).isTrue();
      // presence, two pings and the message were handled
      assertThat(failed.attr("h")).isEqualTo("4");
      // the client can still bind a fresh session on this stream
      again.send("<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>");
      assertThat(again.next().attr("type")).isEqualTo("result");
    }
  }

  @Test
  void unacknowledgedMessagesGoToOfflineStorageWhenTheSessionEnds() throws Exception {
    try (ScriptedClient b = new ScriptedClient(server, true)) {
      loginWithSm(b, "a5", false);
      try (ScriptedClient a = new ScriptedClient(server, true)) {
        loginWithSm(a, "b2", false);
        send(a, "a5", "never acknowledged");
        until(b, e -> e.name().equals("message"));
        // a5 closes its stream without acknowledging
        b.send("</stream:stream>");
        b.closedByServer();
      }
    }
    try (ScriptedClient again = new ScriptedClient(server, true)) {
      again.open();
      again.loginPlain("a5", "pw");
      again.send("<presence/>");
      Element m = until(again, e -> e.name().equals("message")).getLast();
      assertThat(m.childText("body", "jabber:client")).isEqualTo("never acknowledged");
      assertThat(m.child("delay", "urn:xmpp:delay")).isNotNull();
    }
  }
}
