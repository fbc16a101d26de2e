package dev.switchboard.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.server.delivery.ClientInbox;
import dev.switchboard.server.user.UserActor;
import dev.switchboard.xmpp.Jid;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.XMPPException.StreamErrorException;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StreamError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/**
 * "Let it crash": a fault injected into one session actor ends that client's connection with
 * internal-server-error; the client can log in again and everyone else keeps chatting.
 */
class CrashIsolationTest {
  @Test
  void aCrashedSessionTakesOnlyItsOwnConnection() throws Exception {
    try (TestServer server = TestServer.start()) {
      server.createAccount("alice", "a");
      server.createAccount("bob", "b");
      server.createAccount("carol", "c");
      XMPPTCPConnection alice = Smack.login(server, "alice", "a");
      XMPPTCPConnection bob = Smack.login(server, "bob", "b");
      XMPPTCPConnection carol = Smack.login(server, "carol", "c");
      BlockingQueue<Message> bobInbox = ChatTest.inbox(bob);
      CompletableFuture<Exception> carolClosed = new CompletableFuture<>();
      carol.addConnectionListener(
          new ConnectionListener() {
            @Override
            public void connectionClosedOnError(Exception e) {
              carolClosed.complete(e);
            }

            @Override
            public void connected(XMPPConnection connection) {}
          });

      server
          .server()
          .control(
              Jid.parse(carol.getUser().toString()),
              new ClientInbox.InjectFailure("injected by CrashIsolationTest"));

      Exception e = carolClosed.get(10, TimeUnit.SECONDS);
      assertThat(e).isInstanceOf(StreamErrorException.class);
      assertThat(((StreamErrorException) e).getStreamError().getCondition())
          .isEqualTo(StreamError.Condition.internal_server_error);
      assertThat(alice.isConnected()).isTrue();
      assertThat(bob.isConnected()).isTrue();

      for (int i = 0; i < 20; i++) {
        alice.sendStanza(
            alice
                .getStanzaFactory()
                .buildMessageStanza()
                .to(JidCreate.entityBareFrom("bob@localhost"))
                .setBody("still here " + i)
                .build());
      }
      for (int i = 0; i < 20; i++) {
        assertThat(bobInbox.poll(10, TimeUnit.SECONDS).getBody()).isEqualTo("still here " + i);
      }

      XMPPTCPConnection carolAgain = Smack.login(server, "carol", "c");
      BlockingQueue<Message> carolInbox = ChatTest.inbox(carolAgain);
      bob.sendStanza(
          bob.getStanzaFactory()
              .buildMessageStanza()
              .to(JidCreate.entityBareFrom("carol@localhost"))
              .setBody("welcome back")
              .build());
      assertThat(carolInbox.poll(10, TimeUnit.SECONDS).getBody()).isEqualTo("welcome back");
      carolAgain.disconnect();
      alice.disconnect();
      bob.disconnect();
    }
  }

  @Test
  void aCrashedUserActorIsRebuiltFromItsSessions() throws Exception {
    try (TestServer server = TestServer.start()) {
      server.createAccount("dave", "d");
      server.createAccount("erin", "e");
      XMPPTCPConnection dave = Smack.login(server, "dave", "d");
      XMPPTCPConnection erin = Smack.login(server, "erin", "e");
      BlockingQueue<Message> erinInbox = ChatTest.inbox(erin);

      server.server().tellUser(Jid.parse("erin@localhost"), new UserActor.InjectFailure("test"));

      // erin's session re-registers, with its presence, with erin's next user actor
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .until(
              () -> {
                dave.sendStanza(
                    dave.getStanzaFactory()
                        .buildMessageStanza()
                        .to(JidCreate.entityBareFrom("erin@localhost"))
                        .setBody("are you there?")
                        .build());
                Message m = erinInbox.poll(200, TimeUnit.MILLISECONDS);
                return m != null && "are you there?".equals(m.getBody());
              });
      assertThat(erin.isConnected()).isTrue();
      assertThat(dave.isConnected()).isTrue();
      dave.disconnect();
      erin.disconnect();
    }
  }
}
