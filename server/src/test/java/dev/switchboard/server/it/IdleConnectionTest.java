package dev.switchboard.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.chatstates.ChatState;
import org.jivesoftware.smackx.chatstates.packet.ChatStateExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Connections that go quiet let their parsers rest (c2s.parser-rest-after); what they send next,
 * TLS and all, must parse exactly as before.
 */
class IdleConnectionTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("c2s.parser-rest-after", "200ms"));
    server.createAccount("quiet1", "pw1");
    server.createAccount("quiet2", "pw2");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void messagesFlowAfterEveryQuietSpell() throws Exception {
    XMPPTCPConnection a = Smack.login(server, "quiet1", "pw1");
    XMPPTCPConnection b = Smack.login(server, "quiet2", "pw2");
    try {
      BlockingQueue<Message> atA = ChatTest.inbox(a);
      BlockingQueue<Message> atB = ChatTest.inbox(b);
      for (int round = 0; round < 3; round++) {
        Thread.sleep(600); // both parsers rest
        String body = "round " + round + " \u00e9\u6f22 <&> \ud83d\ude00";
        Message m =
            a.getStanzaFactory()
                .buildMessageStanza()
                .to(JidCreate.entityBareFrom("quiet2@localhost"))
                .ofType(Message.Type.chat)
                .setBody(body)
                .addExtension(new ChatStateExtension(ChatState.active))
                .build();
        a.sendStanza(m);
        Message got = atB.poll(10, TimeUnit.SECONDS);
        assertThat(got).as("round %d", round).isNotNull();
        assertThat(got.getBody()).isEqualTo(body);
        assertThat(got.getExtensionElement("active", ChatStateExtension.NAMESPACE))
            .as("the chat state child")
            .isNotNull();

        Thread.sleep(600);
        b.sendStanza(
            b.getStanzaFactory()
                .buildMessageStanza()
                .to(JidCreate.entityBareFrom("quiet1@localhost"))
                .ofType(Message.Type.chat)
                .setBody("back " + round)
                .build());
        Message back = atA.poll(10, TimeUnit.SECONDS);
        assertThat(back).as("reply %d", round).isNotNull();
        assertThat(back.getBody()).isEqualTo("back " + round);
      }
      assertThat(a.isConnected() && b.isConnected()).isTrue();
    } finally {
      a.disconnect();
      b.disconnect();
    }
  }
}
