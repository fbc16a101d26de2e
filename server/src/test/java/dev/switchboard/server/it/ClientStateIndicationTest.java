package dev.switchboard.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.xmpp.Element;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * XEP-0352 Client State Indication: an inactive client's presence and chat states wait, only the
 * newest per sender, until it is active again or something important is delivered, which they then
 * precede; and XEP-0198 counts them only once written.
 *
 * <p>Barriers here are XEP-0198 {@code <r/>}/{@code <a/>}: nonzas, so they do not release what is
 * held the way the IQ ping of {@link Peer#sync} would.
 */
class ClientStateIndicationTest {
  static final String CSI = "urn:xmpp:csi:0";
  static final String SM = "urn:xmpp:sm:3";
  static final String CHAT_STATES = "http://jabber.org/protocol/chatstates";
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    for (String u :
        List.of("sa", "sa-x", "sa-y", "sb", "sb-x", "sc", "sc-x", "sc-y", "sd", "sd-x", "se")) {
      server.createAccount(u, "pw");
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Enables XEP-0198 (without resumption) and returns the stanza count at that point. */
  static int enableSm(Peer p) throws Exception {
    p.send("<enable xmlns='" + SM + "'/>");
    p.expect("enabled", e -> e.is("enabled", SM));
    return p.stanzasRead();
  }

  /**
   * Everything that arrives before the answer to {@code <r/>}, which the session writes in turn.
   */
  static List<Element> barrier(Peer p) throws Exception {
    p.send("<r xmlns='" + SM + "'/>");
    return p.until("an acknowledgement", e -> e.is("a", SM));
  }

  static void state(Peer p, String state) throws Exception {
    p.send("<" + state + " xmlns='" + CSI + "'/>");
  }

  static Predicate<Element> presenceFrom(Peer from, String show) {
    return e ->
        Peer.isPresence(e, null, from.jid)
            && Objects.equals(show, e.childText("show", "jabber:client"));
  }

  static boolean isMessage(Element e) {
    return e.name().equals("message");
  }

  @Test
  void offeredAsAStreamFeatureAfterLogin() throws Exception {
    try (ScriptedClient c = new ScriptedClient(server, true)) {
      assertThat(c.open().hasChild("csi", CSI)).isFalse();
      String creds =
          Base64.getEncoder().encodeToString("\0se\0pw".getBytes(StandardCharsets.UTF_8));
      c.send(
          "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + creds + "</auth>");
      assertThat(c.next().name()).isEqualTo("success");
      assertThat(c.open().hasChild("csi", CSI)).isTrue();
    }
  }

  @Test
  void presenceWaitsWhileInactiveAndOnlyTheNewestPerContactComesOnActive() throws Exception {
    try (Peer u = Peer.online(server, "sa", "phone");
        Peer x = Peer.online(server, "sa-x", "x");
        Peer y = Peer.online(server, "sa-y", "y")) {
      Peer.befriend(u, x);
      Peer.befriend(u, y);
      int base = enableSm(u);
      state(u, "inactive");
      barrier(u);

      x.send("<presence><show>away</show></presence>");
      x.send("<presence><show>dnd</show></presence>");
      x.sync(u.bare());
      y.send("<presence><show>xa</show></presence>");
      y.sync(u.bare());
      assertThat(barrier(u)).noneMatch(Peer::isPresence);

      state(u, "active");
      List<Element> flushed = barrier(u).stream().filter(Peer::isPresence).toList();
      assertThat(flushed).hasSize(2);
      assertThat(flushed.get(0)).matches(presenceFrom(x, "dnd"));
      assertThat(flushed.get(1)).matches(presenceFrom(y, "xa"));

      // active again: presence goes out at once
      x.send("<presence/>");
      x.sync(u.bare());
      assertThat(barrier(u)).anyMatch(presenceFrom(x, null));

      // XEP-0198 counted exactly what was written: the held "away" never was
      int written = u.stanzasRead() - base;
      u.send("<a xmlns='" + SM + "' h='" + written + "'/>");
      u.send("<a xmlns='" + SM + "' h='" + (written + 1) + "'/>");
      Element error = u.expect("a stream error", e -> e.name().equals("error"));
      assertThat(error.childText("text", "urn:ietf:params:xml:ns:xmpp-streams"))
          .isEqualTo(
              "h=" + (written + 1) + " acknowledges more than the " + written + " stanzas sent");
    }
  }

  @Test
  void importantStanzasGoOutAtOnceAfterWhatWasHeld() throws Exception {
    try (Peer u = Peer.online(server, "sb", "phone");
        Peer x = Peer.online(server, "sb-x", "x")) {
      Peer.befriend(u, x);
      enableSm(u);
      state(u, "inactive");
      barrier(u);

      x.send("<presence><show>away</show></presence>");
      x.sync(u.bare());
      assertThat(barrier(u)).noneMatch(Peer::isPresence);
      // a message with a body is delivered while inactive, right after the held presence
      x.send(MessageRoutingTest.message("chat", u.bare(), "wake up"));
      List<Element> before = u.until("the message", MessageRoutingTest.body("wake up"));
      assertThat(before).filteredOn(Peer::isPresence).hasSize(1);
      assertThat(before.getLast()).matches(presenceFrom(x, "away"));

      // still inactive: held again, and an IQ result releases it the same way
      x.send("<presence><show>dnd</show></presence>");
      x.sync(u.bare());
      assertThat(barrier(u)).noneMatch(Peer::isPresence);
      assertThat(u.sync()).anyMatch(presenceFrom(x, "dnd"));
    }
  }

  @Test
  void standaloneChatStatesAreCoalescedPerConversation() throws Exception {
    try (Peer u = Peer.online(server, "sc", "phone");
        Peer desk = Peer.online(server, "sc", "desk");
        Peer x = Peer.online(server, "sc-x", "x");
        Peer y = Peer.online(server, "sc-y", "y")) {
      String id = Peer.nextId();
      u.iq(id, "<iq type='set' id='" + id + "'><enable xmlns='urn:xmpp:carbons:2'/></iq>");
      enableSm(u);
      state(u, "inactive");
      barrier(u);

      x.send(chatState(u, "composing"));
      x.send(chatState(u, "paused"));
      x.sync(u.bare());
      y.send(chatState(u, "composing"));
      y.sync(u.bare());
      // the other device types to x: the phone gets sent carbons of chat states, held as well
      desk.send(chatState(x, "composing"));
      desk.send(chatState(x, "paused"));
      desk.sync();
      assertThat(barrier(u)).noneMatch(ClientStateIndicationTest::isMessage);

      x.send(
          "<message type='chat' to='"
              + u.bare()
              + "'><body>done</body><active xmlns='"
              + CHAT_STATES
              + "'/></message>");
      List<Element> before = u.until("the message", MessageRoutingTest.body("done"));
      List<Element> held = before.stream().filter(ClientStateIndicationTest::isMessage).toList();
      assertThat(held).hasSize(3);
      assertThat(held.get(0).attr("from")).isEqualTo(x.jid.toString());
      assertThat(held.get(0).hasChild("paused", CHAT_STATES)).isTrue();
      assertThat(held.get(1).attr("from")).isEqualTo(y.jid.toString());
      assertThat(held.get(1).hasChild("composing", CHAT_STATES)).isTrue();
      Element carbon = CarbonsTest.carbon(held.get(2), "sent");
      assertThat(carbon).isNotNull();
      assertThat(carbon.hasChild("paused", CHAT_STATES)).isTrue();
    }
  }

  @Test
  void aClientThatNeverSaysInactiveGetsEverythingAtOnce() throws Exception {
    try (Peer u = Peer.online(server, "sd", "phone");
        Peer x = Peer.online(server, "sd-x", "x")) {
      Peer.befriend(u, x);
      enableSm(u);
      state(u, "active"); // active is the initial state; saying so changes nothing
      x.send("<presence><show>away</show></presence>");
      x.send(chatState(u, "composing"));
      x.sync(u.bare());
      List<Element> got = barrier(u);
      assertThat(got).anyMatch(presenceFrom(x, "away"));
      assertThat(got).anyMatch(e -> e.hasChild("composing", CHAT_STATES));
    }
  }

  static String chatState(Peer to, String state) {
    return "<message type='chat' to='"
        + to.bare()
        + "'><"
        + state
        + " xmlns='"
        + CHAT_STATES
        + "'/></message>";
  }
}
