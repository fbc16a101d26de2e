package dev.switchboard.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.xmpp.Element;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every message that may cross nodes serializes: the server runs with Pekko's serialize-messages
 * on, which pushes each message through its serializer and back even on one node, and a
 * conversation still works.
 */
class MessageSerializationTest {
  @Test
  void aConversationWorksWithEveryMessageSerialized() throws Exception {
    try (TestServer server =
        TestServer.start(
            Map.of(
                "pekko.actor.serialize-messages", "on",
                "pekko.actor.serialize-creators", "off"))) {
      assertThat(
              server
                  .server()
                  .actorSystem()
                  .settings()
                  .config()
                  .getBoolean("pekko.actor.serialize-messages"))
          .isTrue();
      server.createAccount("ser-a", "pw");
      server.createAccount("ser-b", "pw");
      try (Peer a = Peer.online(server, "ser-a", "r");
          Peer b = Peer.online(server, "ser-b", "r")) {
        Peer.befriend(a, b);
        a.send(
            "<message to='ser-b@localhost' type='chat'><body>über &amp; &lt;xml&gt;</body></message>");
        Element m =
            b.expect(
                "the message",
                e -> e.name().equals("message") && e.childText("body", "jabber:client") != null);
        assertThat(m.childText("body", "jabber:client")).isEqualTo("über & <xml>");
        assertThat(m.child("stanza-id", "urn:xmpp:sid:0")).isNotNull();
        b.send("<presence><show>away</show></presence>");
        Element p = a.presence(null, b.jid);
        assertThat(p.childText("show", "jabber:client")).isEqualTo("away");
      }
    }
  }
}
