package dev.switchboard.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.iqversion.VersionManager;
import org.jivesoftware.smackx.iqversion.packet.Version;
import org.jivesoftware.smackx.ping.PingManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/** XEP-0030 lists exactly what is implemented; XEP-0199 and XEP-0092 answer. */
class ServiceDiscoveryTest {
  static TestServer server;
  static XMPPTCPConnection c;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
    server.createAccount("disco", "pw");
    c = Smack.login(server, "disco", "pw");
  }

  @AfterAll
  static void stop() {
    c.disconnect();
    server.close();
  }

  @Test
  void serverFeaturesAreExactlyTheImplementedOnes() throws Exception {
    DiscoverInfo info =
        ServiceDiscoveryManager.getInstanceFor(c)
            .discoverInfo(JidCreate.domainBareFrom("localhost"));
    assertThat(info.getIdentities())
        .anySatisfy(
            i -> {
              assertThat(i.getCategory()).isEqualTo("server");
              assertThat(i.getType()).isEqualTo("im");
            });
    assertThat(info.getFeatures())
        .extracting(DiscoverInfo.Feature::getVar)
        .containsExactlyInAnyOrder(
            "http://jabber.org/protocol/disco#info",
            "http://jabber.org/protocol/disco#items",
            "urn:xmpp:ping",
            "jabber:iq:version",
            "jabber:iq:register",
            "msgoffline",
            "urn:xmpp:carbons:2");
  }

  @Test
  void accountFeatures() throws Exception {
    DiscoverInfo info =
        ServiceDiscoveryManager.getInstanceFor(c)
            .discoverInfo(JidCreate.bareFrom("disco@localhost"));
    assertThat(info.getIdentities())
        .anySatisfy(i -> assertThat(i.getCategory()).isEqualTo("account"));
    assertThat(info.getFeatures())
        .extracting(DiscoverInfo.Feature::getVar)
        .contains(
            "jabber:iq:roster",
            "urn:xmpp:ping",
            "urn:xmpp:carbons:2",
            "http://jabber.org/protocol/disco#info");
  }

  @Test
  void pingTheServer() throws Exception {
    assertThat(PingManager.getInstanceFor(c).pingMyServer()).isTrue();
  }

  @Test
  void softwareVersion() throws Exception {
    Version v = VersionManager.getInstanceFor(c).getVersion(JidCreate.domainBareFrom("localhost"));
    assertThat(v.getName()).isEqualTo("Switchboard");
    assertThat(v.getVersion()).isNotBlank();
    assertThat(v.getOs()).isNull();
  }

  @Test
  void serverPingsAQuietClientAndItAnswers() throws Exception {
    try (TestServer quick = TestServer.start(java.util.Map.of("c2s.idle-timeout", "1s"))) {
      quick.createAccount("quiet", "pw");
      XMPPTCPConnection q = Smack.login(quick, "quiet", "pw");
      // Smack answers the server's pings, so the connection survives several idle periods
      Thread.sleep(3500);
      assertThat(q.isConnected()).isTrue();
      assertThat(PingManager.getInstanceFor(q).pingMyServer()).isTrue();
      q.disconnect();
    }
  }
}
