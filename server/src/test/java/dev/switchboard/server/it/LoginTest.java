package dev.switchboard.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.xmpp.Element;
import java.util.Map;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LoginTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    server.createAccount("alice", "wonderland");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void smackLogsInOverStartTlsWithScram() throws Exception {
    XMPPTCPConnection c = Smack.login(server, "alice", "wonderland");
    try {
      assertThat(c.isAuthenticated()).isTrue();
      assertThat(c.isSecureConnection()).isTrue();
      assertThat(c.getUsedSaslMechansism()).startsWith("SCRAM-SHA-1");
      assertThat(c.getUser().asBareJid().toString()).isEqualTo("alice@localhost");
    } finally {
      c.disconnect();
    }
  }

  @Test
  void smackLogsInOverDirectTls() throws Exception {
    XMPPTCPConnection c =
        new XMPPTCPConnection(
            Smack.config(server, "alice", "wonderland")
                .setPort(server.tlsPort())
                // the socket is TLS from the first byte (XEP-0368), so no STARTTLS is negotiated
                .setSecurityMode(SecurityMode.disabled)
                .setSocketFactory(server.sslContext().getSocketFactory())
                .build());
    try {
      c.connect().login();
      assertThat(c.isAuthenticated()).isTrue();
    } finally {
      c.disconnect();
    }
  }

  @Test
  void wrongPasswordIsNotAuthorized() {
    assertThatThrownBy(() -> Smack.login(server, "alice", "wrong"))
        .isInstanceOfSatisfying(
            SASLErrorException.class,
            e -> assertThat(e.getSASLFailure().getSASLErrorString()).isEqualTo("not-authorized"));
  }

  @Test
  void unknownUserLooksLikeAWrongPassword() {
    assertThatThrownBy(() -> Smack.login(server, "nobody", "x"))
        .isInstanceOf(SASLErrorException.class)
        .hasMessageContaining("not-authorized");
  }

  @Test
  void scramSha256OverDirectTls() throws Exception {
    try (ScriptedClient c = new ScriptedClient(server, true)) {
      Element features = c.open();
      assertThat(features.toXml()).contains("SCRAM-SHA-256").doesNotContain("starttls");
      String jid = ScramClient.sha256(c, "alice", "wonderland");
      assertThat(jid).startsWith("alice@localhost/");
    }
  }

  @Test
  void plainIsNotOfferedBeforeTlsAndNothingButStartTlsIsAccepted() throws Exception {
    try (ScriptedClient c = new ScriptedClient(server, false)) {
      Element features = c.open();
      assertThat(features.toXml()).contains("starttls").contains("<required/>");
      assertThat(features.child("mechanisms", "urn:ietf:params:xml:ns:xmpp-sasl")).isNull();
      c.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGEAYg==</auth>");
      Element error = c.next();
      assertThat(error.name()).isEqualTo("error");
      assertThat(error.toXml()).contains("policy-violation");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void tooManyFailuresCloseTheConnection() throws Exception {
    try (ScriptedClient c = new ScriptedClient(server, false)) {
      c.open();
      c.startTls();
      for (int i = 0; i < 3; i++) {
        c.send(
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"
                + java.util.Base64.getEncoder().encodeToString("\0alice\0bad".getBytes())
                + "</auth>");
        Element failure = c.next();
        assertThat(failure.name()).isEqualTo("failure");
        assertThat(failure.toXml()).contains("not-authorized");
      }
      Element error = c.next();
      assertThat(error.toXml()).contains("policy-violation");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void plainWithoutTlsWhenTlsIsNotRequired() throws Exception {
    try (TestServer open = TestServer.start(Map.of("c2s.require-tls", "false"))) {
      open.createAccount("bob", "builder");
      try (ScriptedClient c = new ScriptedClient(open, false)) {
        Element features = c.open();
        assertThat(features.toXml()).contains("<mechanism>PLAIN</mechanism>");
        assertThat(c.loginPlain("bob", "builder")).startsWith("bob@localhost/");
      }
    }
  }
}
