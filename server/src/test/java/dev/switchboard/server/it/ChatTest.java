package dev.switchboard.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.StanzaListener;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.packet.RosterPacket.ItemType;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;

/** Two real clients add each other, see each other's presence and exchange messages. */
class ChatTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    for (String u : List.of("romeo", "juliet", "mercutio", "tybalt", "nurse")) {
      server.createAccount(u, "pw-" + u);
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static BlockingQueue<Message> inbox(XMPPTCPConnection c) {
    BlockingQueue<Message> q = new LinkedBlockingQueue<>();
    // synchronous listeners run in arrival order; asynchronous ones may not
    c.addSyncStanzaListener(s -> q.add((Message) s), StanzaTypeFilter.MESSAGE);
    return q;
  }

  @Test
  void subscriptionHandshakeThenPresenceBothWays() throws Exception {
    XMPPTCPConnection romeo = Smack.login(server, "romeo", "pw-romeo");
    XMPPTCPConnection juliet = Smack.login(server, "juliet", "pw-juliet");
    try {
      Roster rr = Roster.getInstanceFor(romeo);
      Roster jr = Roster.getInstanceFor(juliet);
      jr.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
      rr.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
      BareJid julietJid = JidCreate.bareFrom("juliet@localhost");
      BareJid romeoJid = JidCreate.bareFrom("romeo@localhost");
      rr.createItemAndRequestSubscription(julietJid, "Juliet", new String[] {"Capulets"});

      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> rr.getEntry(julietJid) != null && rr.getEntry(julietJid).canSeeHisPresence());
      // accept_all only answers; juliet then asks back, and romeo's client accepts
      jr.createItemAndRequestSubscription(romeoJid, "Romeo", null);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  rr.getEntry(julietJid).getType() == ItemType.both
                      && jr.getEntry(romeoJid) != null
                      && jr.getEntry(romeoJid).getType() == ItemType.both);
      RosterEntry entry = rr.getEntry(julietJid);
      assertThat(entry.getName()).isEqualTo("Juliet");
      assertThat(entry.getGroups()).extracting(g -> g.getName()).containsExactly("Capulets");

      await().atMost(Duration.ofSeconds(10)).until(() -> rr.getPresence(julietJid).isAvailable());
      await().atMost(Duration.ofSeconds(10)).until(() -> jr.getPresence(romeoJid).isAvailable());

      juliet.sendStanza(
          juliet
              .getStanzaFactory()
              .buildPresenceStanza()
              .ofType(Presence.Type.available)
              .setMode(Presence.Mode.away)
              .setStatus("on the balcony")
              .build());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> "on the balcony".equals(rr.getPresence(julietJid).getStatus()));

      juliet.disconnect();
      await().atMost(Duration.ofSeconds(10)).until(() -> !rr.getPresence(julietJid).isAvailable());

      // the roster survives a new login, with its subscription state
      XMPPTCPConnection again = Smack.login(server, "juliet", "pw-juliet");
      try {
        Roster jr2 = Roster.getInstanceFor(again);
        jr2.reloadAndWait();
        assertThat(jr2.getEntry(romeoJid).getType()).isEqualTo(ItemType.both);
        await().atMost(Duration.ofSeconds(10)).until(() -> jr2.getPresence(romeoJid).isAvailable());
      } finally {
        again.disconnect();
      }
    } finally {
      romeo.disconnect();
      juliet.disconnect();
    }
  }

  @Test
  void messagesWithNonAsciiAndSpecialCharactersArriveIntact() throws Exception {
    XMPPTCPConnection a = Smack.login(server, "mercutio", "pw-mercutio");
    XMPPTCPConnection b = Smack.login(server, "tybalt", "pw-tybalt");
    try {
      BlockingQueue<Message> got = inbox(b);
      EntityBareJid to = JidCreate.entityBareFrom("tybalt@localhost");
      // Smack does not escape '>' (see FOUNDATION.md), so no "]]>" here
      String[] bodies = {
        "A plague o' both your houses! <b>&amp;</b> \"quoted\" & 'single'",
        "Ünïcödé — 日本語 — Ελληνικά — עברית — 😀🎭",
        "tab\tand\nnewline and < less than",
      };
      for (String body : bodies) {
        a.sendStanza(
            a.getStanzaFactory()
                .buildMessageStanza()
                .to(to)
                .ofType(Message.Type.chat)
                .setBody(body)
                .build());
      }
      for (String body : bodies) {
        Message m = got.poll(10, TimeUnit.SECONDS);
        assertThat(m).as("message arrived").isNotNull();
        assertThat(m.getBody()).isEqualTo(body);
        assertThat(m.getFrom().asBareJid().toString()).isEqualTo("mercutio@localhost");
      }
      // to the full JID as well
      a.sendStanza(
          a.getStanzaFactory()
              .buildMessageStanza()
              .to(b.getUser())
              .ofType(Message.Type.chat)
              .setBody("to your resource")
              .build());
      assertThat(got.poll(10, TimeUnit.SECONDS).getBody()).isEqualTo("to your resource");
    } finally {
      a.disconnect();
      b.disconnect();
    }
  }

  @Test
  void messageToUnknownUserBouncesWithServiceUnavailable() throws Exception {
    XMPPTCPConnection a = Smack.login(server, "nurse", "pw-nurse");
    try {
      BlockingQueue<Message> got = inbox(a);
      a.sendStanza(
          a.getStanzaFactory()
              .buildMessageStanza()
              .to(JidCreate.entityBareFrom("nobody@localhost"))
              .ofType(Message.Type.chat)
              .setBody("hello?")
              .build());
      Message bounce = got.poll(10, TimeUnit.SECONDS);
      assertThat(bounce).isNotNull();
      assertThat(bounce.getType()).isEqualTo(Message.Type.error);
      assertThat(bounce.getError().getCondition())
          .isEqualTo(StanzaError.Condition.service_unavailable);
      assertThat(bounce.getFrom().toString()).isEqualTo("nobody@localhost");
    } finally {
      a.disconnect();
    }
  }

  @Test
  void messageToOtherDomainBouncesWithRemoteServerNotFound() throws Exception {
    XMPPTCPConnection a = Smack.login(server, "nurse", "pw-nurse", "remote-check");
    try {
      BlockingQueue<Stanza> got = new LinkedBlockingQueue<>();
      StanzaListener l = got::add;
      a.addAsyncStanzaListener(l, StanzaTypeFilter.MESSAGE);
      a.sendStanza(
          a.getStanzaFactory()
              .buildMessageStanza()
              .to(JidCreate.entityBareFrom("someone@elsewhere.example"))
              .setBody("hi")
              .build());
      Message bounce = (Message) got.poll(10, TimeUnit.SECONDS);
      assertThat(bounce.getError().getCondition())
          .isEqualTo(StanzaError.Condition.remote_server_not_found);
    } finally {
      a.disconnect();
    }
  }
}
