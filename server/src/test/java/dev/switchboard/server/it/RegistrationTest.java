package dev.switchboard.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.parts.Localpart;

/** XEP-0077: in-band registration only when enabled; password change and cancellation. */
class RegistrationTest {
  private static XMPPTCPConnection connectOnly(TestServer server) throws Exception {
    XMPPTCPConnection c = new XMPPTCPConnection(Smack.config(server, "x", "y").build());
    c.connect();
    return c;
  }

  @Test
  void registrationIsOffByDefault() throws Exception {
    try (TestServer server = TestServer.start()) {
      XMPPTCPConnection c = connectOnly(server);
      try {
        AccountManager am = AccountManager.getInstance(c);
        assertThat(c.hasFeature("register", "http://jabber.org/features/iq-register")).isFalse();
        assertThatThrownBy(() -> am.createAccount(Localpart.from("mallory"), "pw"))
            .isInstanceOfSatisfying(
                XMPPErrorException.class,
                e ->
                    assertThat(e.getStanzaError().getCondition())
                        .isEqualTo(StanzaError.Condition.service_unavailable));
        assertThat(
                server
                    .server()
                    .accounts()
                    .exists(dev.switchboard.xmpp.Jid.parse("mallory@localhost")))
            .isFalse();
      } finally {
        c.disconnect();
      }
    }
  }

  @Test
  void registerLoginChangePasswordAndCancel() throws Exception {
    try (TestServer server = TestServer.start(Map.of("registration.allow", "true"))) {
      XMPPTCPConnection c = connectOnly(server);
      AccountManager am = AccountManager.getInstance(c);
      assertThat(am.supportsAccountCreation()).isTrue();
      am.createAccount(Localpart.from("newbie"), "first-pw");
      assertThatThrownBy(() -> am.createAccount(Localpart.from("newbie"), "again"))
          .isInstanceOfSatisfying(
              XMPPErrorException.class,
              e ->
                  assertThat(e.getStanzaError().getCondition())
                      .isEqualTo(StanzaError.Condition.conflict));
      c.disconnect();

      XMPPTCPConnection user = Smack.login(server, "newbie", "first-pw");
      AccountManager.getInstance(user).changePassword("second-pw");
      user.disconnect();
      assertThatThrownBy(() -> Smack.login(server, "newbie", "first-pw"))
          .hasMessageContaining("not-authorized");

      XMPPTCPConnection again = Smack.login(server, "newbie", "second-pw");
      AccountManager.getInstance(again).deleteAccount();
      again.disconnect();
      assertThat(
              server.server().accounts().exists(dev.switchboard.xmpp.Jid.parse("newbie@localhost")))
          .isFalse();
      assertThatThrownBy(() -> Smack.login(server, "newbie", "second-pw"))
          .hasMessageContaining("not-authorized");
    }
  }
}
