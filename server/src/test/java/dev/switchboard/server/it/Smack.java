package dev.switchboard.server.it;

import java.time.Duration;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.SmackConfiguration;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.ping.PingManager;

/** Smack 4.4 clients configured for a {@link TestServer}. */
public final class Smack {
  static {
    SmackConfiguration.setDefaultReplyTimeout((int) Duration.ofSeconds(10).toMillis());
  }

  private Smack() {}

  /** A STARTTLS configuration (TLS required) trusting the server's generated certificate. */
  public static XMPPTCPConnectionConfiguration.Builder config(
      TestServer server, String user, String password) {
    return config(server, TestServer.DOMAIN, user, password);
  }

  /**
   * A STARTTLS configuration for an account of one hosted domain, trusting only that domain's
   * generated certificate (so the server must pick it by the name the client indicates).
   */
  public static XMPPTCPConnectionConfiguration.Builder config(
      TestServer server, String domain, String user, String password) {
    try {
      return XMPPTCPConnectionConfiguration.builder()
          .setXmppDomain(domain)
          .setHost("127.0.0.1")
          .setPort(server.port())
          .setUsernameAndPassword(user, password)
          .setSecurityMode(SecurityMode.required)
          .setCustomX509TrustManager(server.trustManager(domain))
          .setCompressionEnabled(false);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Connects and logs in over STARTTLS; returns once the server has seen initial presence. */
  public static XMPPTCPConnection login(TestServer server, String user, String password)
      throws Exception {
    XMPPTCPConnection c = new XMPPTCPConnection(config(server, user, password).build());
    c.connect().login();
    sync(c);
    return c;
  }

  /**
   * Waits until the account's user actor has processed everything this client sent so far: a ping
   * to the own bare JID is answered by that actor, after the presence sent before it.
   */
  public static void sync(XMPPTCPConnection c) throws Exception {
    if (!PingManager.getInstanceFor(c).ping(c.getUser().asBareJid())) {
      throw new IllegalStateException("no answer to a ping of the own account");
    }
  }

  /** Connects and logs in with a resource of our choosing. */
  public static XMPPTCPConnection login(
      TestServer server, String user, String password, String resource) throws Exception {
    XMPPTCPConnection c =
        new XMPPTCPConnection(config(server, user, password).setResource(resource).build());
    c.connect().login();
    sync(c);
    return c;
  }
}
