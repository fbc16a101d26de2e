package dev.switchboard.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * XEP-0280 Message Carbons: enabling per resource, sent and received copies to exactly the other
 * resources that asked, and the messages that are never copied.
 */
class CarbonsTest {
  static final String NS = "urn:xmpp:carbons:2";
  static final String FORWARD = "urn:xmpp:forward:0";
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    for (String u :
        List.of("ca", "cx", "cb", "cy", "cc", "cz", "cd", "cw", "ce", "cv", "cf", "cu")) {
      server.createAccount(u, "pw");
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static void enable(Peer p) throws Exception {
    String id = Peer.nextId();
    Element r = p.iq(id, "<iq type='set' id='" + id + "'><enable xmlns='" + NS + "'/></iq>");
    assertThat(r.attr("type")).as(r.toXml()).isEqualTo("result");
  }

  static void disable(Peer p) throws Exception {
    String id = Peer.nextId();
    Element r = p.iq(id, "<iq type='set' id='" + id + "'><disable xmlns='" + NS + "'/></iq>");
    assertThat(r.attr("type")).as(r.toXml()).isEqualTo("result");
  }

  static String chat(Jid to, String body, String extra) {
    return "<message type='chat' to='" + to + "'><body>" + body + "</body>" + extra + "</message>";
  }

  /** The message inside a carbon of {@code direction} ("sent" or "received"), or null. */
  static Element carbon(Element e, String direction) {
    if (!e.name().equals("message")) {
      return null;
    }
    Element wrapper = e.child(direction, NS);
    Element fwd = wrapper == null ? null : wrapper.child("forwarded", FORWARD);
    return fwd == null ? null : fwd.child("message", "jabber:client");
  }

  static Predicate<Element> carbonWithBody(String direction, String body) {
    return e -> {
      Element inner = carbon(e, direction);
      return inner != null && body.equals(inner.childText("body", "jabber:client"));
    };
  }

  static Predicate<Element> anyCarbon() {
    return e -> carbon(e, "sent") != null || carbon(e, "received") != null;
  }

  /** What each peer got that was not taken yet, up to a ping of its own account. */
  static List<Element> rest(Peer... peers) throws Exception {
    List<Element> all = new ArrayList<>();
    for (Peer p : peers) {
      all.addAll(p.sync());
    }
    return all;
  }

  static Predicate<Element> body(String text) {
    return MessageRoutingTest.body(text);
  }

  @Test
  void enableAndDisableAreSetsAnsweredWithResults() throws Exception {
    try (Peer a = Peer.online(server, "ca", "a");
        Peer x = Peer.online(server, "cx", "x")) {
      enable(a);
      enable(a); // enabling twice is harmless
      disable(a);
      disable(a);
      String id = Peer.nextId();
      Element r = a.iq(id, "<iq type='get' id='" + id + "'><enable xmlns='" + NS + "'/></iq>");
      assertThat(Peer.errorCondition(r)).isEqualTo("bad-request");
      // nobody else may switch carbons for an account
      id = Peer.nextId();
      r =
          x.iq(
              id,
              "<iq type='set' id='"
                  + id
                  + "' to='"
                  + a.bare()
                  + "'><enable xmlns='"
                  + NS
                  + "'/></iq>");
      assertThat(Peer.errorCondition(r)).isEqualTo("forbidden");
    }
  }

  @Test
  void sentAndReceivedCopiesReachExactlyTheOtherEnabledResources() throws Exception {
    try (Peer x = Peer.online(server, "cy", "x");
        Peer a = Peer.online(server, "cb", "a");
        Peer b = Peer.online(server, "cb", "b");
        Peer c = Peer.online(server, "cb", "c");
        Peer low = Peer.online(server, "cb", "low")) {
      low.send("<presence><priority>-1</priority></presence>");
      enable(a);
      enable(b);
      enable(low);
      Peer.settle(x, a, b, c, low);

      // sent: a writes to x; b and low get a copy, c (not enabled) and a itself do not
      a.send(chat(x.bare(), "from a", ""));
      x.expect("the message", body("from a"));
      Element copy = b.expect("a sent carbon", carbonWithBody("sent", "from a"));
      assertThat(copy.attr("from")).isEqualTo(a.bare().toString());
      assertThat(copy.attr("to")).isEqualTo(b.jid.toString());
      assertThat(copy.attr("type")).isEqualTo("chat");
      Element inner = carbon(copy, "sent");
      assertThat(inner.attr("from")).isEqualTo(a.jid.toString());
      assertThat(inner.attr("to")).isEqualTo(x.bare().toString());
      low.expect("a sent carbon", carbonWithBody("sent", "from a"));
      assertThat(rest(a, b, c, low)).noneMatch(anyCarbon()).noneMatch(body("from a"));

      // received, to a full JID: a gets it, b and low a copy, c nothing
      x.send(chat(a.jid, "to a", ""));
      a.expect("the message", body("to a"));
      copy = b.expect("a received carbon", carbonWithBody("received", "to a"));
      assertThat(copy.attr("from")).isEqualTo(a.bare().toString());
      assertThat(copy.attr("to")).isEqualTo(b.jid.toString());
      assertThat(carbon(copy, "received").attr("from")).isEqualTo(x.jid.toString());
      assertThat(carbon(copy, "received").attr("to")).isEqualTo(a.jid.toString());
      low.expect("a received carbon", carbonWithBody("received", "to a"));
      x.sync(a.bare());
      assertThat(rest(a, b, c, low)).noneMatch(anyCarbon()).noneMatch(body("to a"));

      // received, to the bare JID: a, b and c get the message itself; only low (negative
      // priority, not a recipient) gets a copy
      x.send(chat(a.bare(), "to all", ""));
      a.expect("the message", body("to all"));
      b.expect("the message", body("to all"));
      c.expect("the message", body("to all"));
      low.expect("a received carbon", carbonWithBody("received", "to all"));
      x.sync(a.bare());
      assertThat(rest(a, b, c, low)).noneMatch(anyCarbon());
    }
  }

  @Test
  void privateAndNoCopyAreNotCopied() throws Exception {
    try (Peer x = Peer.online(server, "cz", "x");
        Peer a = Peer.online(server, "cc", "a");
        Peer b = Peer.online(server, "cc", "b")) {
      enable(b);
      String priv = "<private xmlns='" + NS + "'/>";
      String noCopy = "<no-copy xmlns='urn:xmpp:hints'/>";
      a.send(chat(x.bare(), "private out", priv));
      a.send(chat(x.bare(), "no-copy out", noCopy));
      // the recipient gets them as sent, hints and all
      Element got = x.expect("the private message", body("private out"));
      assertThat(got.hasChild("private", NS)).isTrue();
      got = x.expect("the no-copy message", body("no-copy out"));
      assertThat(got.hasChild("no-copy", "urn:xmpp:hints")).isTrue();

      x.send(chat(a.jid, "private in", priv));
      x.send(chat(a.jid, "no-copy in", noCopy));
      a.expect("private in", body("private in"));
      a.expect("no-copy in", body("no-copy in"));
      x.sync(a.bare());
      a.sync(x.bare());
      assertThat(b.sync()).noneMatch(anyCarbon());
    }
  }

  @Test
  void onlyChatLikeMessagesAreCopied() throws Exception {
    try (Peer x = Peer.online(server, "cw", "x");
        Peer a = Peer.online(server, "cd", "a");
        Peer b = Peer.online(server, "cd", "b")) {
      enable(b);
      // normal with a body is copied; normal without one, headline, groupchat and error are not
      a.send("<message to='" + x.bare() + "'><body>normal</body></message>");
      b.expect("a carbon of a normal message", carbonWithBody("sent", "normal"));
      a.send("<message to='" + x.bare() + "'><x xmlns='urn:example:payload'/></message>");
      a.send("<message type='headline' to='" + x.bare() + "'><body>news</body></message>");
      a.send("<message type='groupchat' to='" + x.bare() + "'><body>group</body></message>");
      x.send("<message type='headline' to='" + a.jid + "'><body>news in</body></message>");
      x.send(
          "<message type='error' to='"
              + a.jid
              + "'><body>err</body><error type='cancel'><item-not-found"
              + " xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>");
      a.sync(x.bare());
      x.sync(a.bare());
      assertThat(b.sync()).noneMatch(anyCarbon());
      // a copy is never copied again: a message that looks like a carbon is delivered as it is
      x.send(
          "<message type='chat' to='"
              + a.jid
              + "'><received xmlns='"
              + NS
              + "'><forwarded xmlns='"
              + FORWARD
              + "'><message xmlns='jabber:client' type='chat'><body>forged</body></message>"
              + "</forwarded></received>"
              + "</message>");
      a.expect("the forged carbon, as sent", anyCarbon());
      x.sync(a.bare());
      assertThat(b.sync()).noneMatch(anyCarbon());
    }
  }

  @Test
  void disablingOrEndingTheSessionStopsCopies() throws Exception {
    try (Peer x = Peer.online(server, "cv", "x");
        Peer a = Peer.online(server, "ce", "a")) {
      try (Peer b = Peer.online(server, "ce", "b")) {
        enable(b);
        a.send(chat(x.bare(), "one", ""));
        b.expect("a carbon while enabled", carbonWithBody("sent", "one"));
        disable(b);
        a.send(chat(x.bare(), "two", ""));
        x.expect("two", body("two"));
        a.sync(x.bare());
        assertThat(b.sync()).noneMatch(anyCarbon());
        enable(b);
        b.logout();
      }
      // a new session on the same resource starts with carbons off
      try (Peer b = Peer.online(server, "ce", "b")) {
        a.send(chat(x.bare(), "three", ""));
        x.expect("three", body("three"));
        a.sync(x.bare());
        assertThat(b.sync()).noneMatch(anyCarbon());
      }
    }
  }

  @Test
  void aCopyNeverAcknowledgedIsNotPassedOnWhenTheSessionEnds() throws Exception {
    try (Peer x = Peer.online(server, "cu", "x");
        Peer a = Peer.online(server, "cf", "a")) {
      Peer b = Peer.online(server, "cf", "b");
      enable(b);
      b.send("<enable xmlns='urn:xmpp:sm:3'/>");
      b.expect("enabled", e -> e.is("enabled", "urn:xmpp:sm:3"));
      a.send(chat(x.bare(), "unacked", ""));
      b.expect("a sent carbon", carbonWithBody("sent", "unacked"));
      b.drop(); // without acknowledging it
      a.presence("unavailable", b.jid);
      // a had the message itself: the carbon meant for b is neither resent to a nor stored
      assertThat(a.sync()).noneMatch(anyCarbon());
      try (Peer again = Peer.online(server, "cf", "again")) {
        assertThat(again.sync()).noneMatch(anyCarbon());
      }
    }
  }
}
