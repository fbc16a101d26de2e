package dev.switchboard.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.XMPPException.StreamErrorException;
import org.jivesoftware.smack.packet.StreamError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;

/** The same full JID logging in twice: the configured policy decides. */
class SessionConflictTest {
  @Test
  void byDefaultTheNewSessionReplacesTheOldWithConflict() throws Exception {
    try (TestServer server = TestServer.start()) {
      server.createAccount("dup", "pw");
      XMPPTCPConnection first = Smack.login(server, "dup", "pw", "phone");
      CompletableFuture<Exception> closed = new CompletableFuture<>();
      first.addConnectionListener(
          new ConnectionListener() {
            @Override
            public void connectionClosedOnError(Exception e) {
              closed.complete(e);
            }

            @Override
            public void connected(XMPPConnection c) {}
          });
      XMPPTCPConnection second = Smack.login(server, "dup", "pw", "phone");
      Exception e = closed.get(10, TimeUnit.SECONDS);
      assertThat(((StreamErrorException) e).getStreamError().getCondition())
          .isEqualTo(StreamError.Condition.conflict);
      assertThat(second.isAuthenticated()).isTrue();
      assertThat(second.getUser().getResourceOrNull().toString()).isEqualTo("phone");
      second.disconnect();
    }
  }

  @Test
  void withRejectTheNewBindIsRefused() throws Exception {
    try (TestServer server = TestServer.start(Map.of("sessions.on-conflict", "reject"))) {
      server.createAccount("dup", "pw");
      XMPPTCPConnection first = Smack.login(server, "dup", "pw", "phone");
      assertThatThrownBy(() -> Smack.login(server, "dup", "pw", "phone"))
          .hasMessageContaining("conflict");
      assertThat(first.isConnected()).isTrue();
      first.disconnect();
    }
  }

  @Test
  void serverGeneratesAResourceWhenNoneIsRequested() throws Exception {
    try (TestServer server = TestServer.start()) {
      server.createAccount("noname", "pw");
      try (ScriptedClient c = new ScriptedClient(server, true)) {
        c.open();
        String a = c.loginPlain("noname", "pw");
        assertThat(a)
            .startsWith("noname@localhost/")
            .hasSizeGreaterThan("noname@localhost/".length());
      }
    }
  }
}
