package dev.switchboard.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.carbons.CarbonManager;
import org.jivesoftware.smackx.csi.ClientStateIndicationManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.Jid;

/** A real client's view: Smack's CarbonManager and Client State Indication against the server. */
class SmackCarbonsTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    server.createAccount("smack-u", "pw");
    server.createAccount("smack-f", "pw");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Message chat(Jid to, String body) {
    return StanzaBuilder.buildMessage().to(to).ofType(Message.Type.chat).setBody(body).build();
  }

  @Test
  void carbonManagerGetsSentAndReceivedCopies() throws Exception {
    XMPPTCPConnection phone = Smack.login(server, "smack-u", "pw", "phone");
    XMPPTCPConnection desk = Smack.login(server, "smack-u", "pw", "desk");
    XMPPTCPConnection friend = Smack.login(server, "smack-f", "pw");
    try {
      CarbonManager carbons = CarbonManager.getInstanceFor(phone);
      assertThat(carbons.isSupportedByServer()).isTrue();
      assertThat(ClientStateIndicationManager.isSupported(phone)).isTrue();
      BlockingQueue<String> copies = new LinkedBlockingQueue<>();
      carbons.addCarbonCopyReceivedListener(
          (direction, copy, wrapper) -> copies.add(direction + " " + copy.getBody()));
      carbons.enableCarbons();
      assertThat(carbons.getCarbonsEnabled()).isTrue();

      desk.sendStanza(chat(friend.getUser().asBareJid(), "from the desk"));
      assertThat(copies.poll(10, TimeUnit.SECONDS)).isEqualTo("sent from the desk");
      friend.sendStanza(chat(desk.getUser(), "to the desk"));
      assertThat(copies.poll(10, TimeUnit.SECONDS)).isEqualTo("received to the desk");

      // inactive and active again: nothing lost on the way
      ClientStateIndicationManager.inactive(phone);
      friend.sendStanza(chat(desk.getUser(), "while inactive"));
      assertThat(copies.poll(10, TimeUnit.SECONDS)).isEqualTo("received while inactive");
      ClientStateIndicationManager.active(phone);

      carbons.disableCarbons();
      desk.sendStanza(chat(friend.getUser().asBareJid(), "after disable"));
      Smack.sync(desk);
      Smack.sync(phone);
      assertThat(copies).isEmpty();
    } finally {
      phone.disconnect();
      desk.disconnect();
      friend.disconnect();
    }
  }
}
