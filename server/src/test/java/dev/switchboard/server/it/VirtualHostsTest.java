package dev.switchboard.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/**
 * One server hosting two domains, each with its own accounts, certificate (picked by the name the
 * client indicates) and module options, and real clients of both talking to each other.
 */
class VirtualHostsTest {
  private static final String OTHER = "example.net";
  static TestServer server;

  @BeforeAll
  static void start() {
    server =
        TestServer.start(
            Map.of(
                "hosts.\"" + OTHER + "\".modules.version.enabled",
                "false",
                "modules.version.show-os",
                "true"));
    server.createAccount("alice", "pw-alice");
    server.createAccount("bob", OTHER, "pw-bob");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void clientsOfBothDomainsLogInWithTheirDomainsCertificateAndTalk() throws Exception {
    XMPPTCPConnection alice = Smack.login(server, "alice", "pw-alice");
    XMPPTCPConnection bob =
        new XMPPTCPConnection(Smack.config(server, OTHER, "bob", "pw-bob").build());
    try {
      bob.connect().login();
      Smack.sync(bob);
      assertThat(bob.getUser().asBareJid().toString()).isEqualTo("bob@" + OTHER);
      assertThat(bob.isSecureConnection()).isTrue();

      BlockingQueue<Message> aliceInbox = ChatTest.inbox(alice);
      BlockingQueue<Message> bobInbox = ChatTest.inbox(bob);
      bob.sendStanza(
          bob.getStanzaFactory()
              .buildMessageStanza()
              .to(JidCreate.entityBareFrom("alice@localhost"))
              .ofType(Message.Type.chat)
              .setBody("hello from " + OTHER)
              .build());
      Message m = aliceInbox.poll(10, TimeUnit.SECONDS);
      assertThat(m).isNotNull();
      assertThat(m.getBody()).isEqualTo("hello from " + OTHER);
      assertThat(m.getFrom().asBareJid().toString()).isEqualTo("bob@" + OTHER);

      alice.sendStanza(
          alice
              .getStanzaFactory()
              .buildMessageStanza()
              .to(JidCreate.entityBareFrom("bob@" + OTHER))
              .ofType(Message.Type.chat)
              .setBody("and back")
              .build());
      Message reply = bobInbox.poll(10, TimeUnit.SECONDS);
      assertThat(reply).isNotNull();
      assertThat(reply.getBody()).isEqualTo("and back");
      assertThat(reply.getFrom().asBareJid().toString()).isEqualTo("alice@localhost");
    } finally {
      alice.disconnect();
      bob.disconnect();
    }
  }

  @Test
  void anAccountBelongsToItsDomainOnly() throws Exception {
    XMPPTCPConnection wrong =
        new XMPPTCPConnection(Smack.config(server, "localhost", "bob", "pw-bob").build());
    try {
      wrong.connect();
      assertThatThrownBy(wrong::login).isInstanceOf(SASLErrorException.class);
    } finally {
      wrong.disconnect();
    }
  }

  @Test
  void eachDomainRunsTheModulesEnabledForIt() throws Exception {
    XMPPTCPConnection alice = Smack.login(server, "alice", "pw-alice");
    XMPPTCPConnection bob =
        new XMPPTCPConnection(Smack.config(server, OTHER, "bob", "pw-bob").build());
    try {
      bob.connect().login();
      DiscoverInfo local =
          ServiceDiscoveryManager.getInstanceFor(alice)
              .discoverInfo(JidCreate.domainBareFrom("localhost"));
      DiscoverInfo other =
          ServiceDiscoveryManager.getInstanceFor(bob).discoverInfo(JidCreate.domainBareFrom(OTHER));
      assertThat(local.containsFeature("jabber:iq:version")).isTrue();
      assertThat(other.containsFeature("jabber:iq:version")).isFalse();
      for (DiscoverInfo info : List.of(local, other)) {
        assertThat(info.containsFeature("urn:xmpp:ping")).isTrue();
        assertThat(info.getIdentities()).anyMatch(i -> i.getCategory().equals("server"));
      }
    } finally {
      alice.disconnect();
      bob.disconnect();
    }
  }
}
