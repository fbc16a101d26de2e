package dev.switchboard.interop;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.X509TrustManager;
import org.igniterealtime.smack.inttest.Configuration;
import org.igniterealtime.smack.inttest.SmackIntegrationTestFramework;
import org.igniterealtime.smack.inttest.XmppConnectionDescriptor;
import org.igniterealtime.smack.inttest.XmppConnectionManager;
import org.jivesoftware.smack.c2s.ModularXmppClientToServerConnection;
import org.jivesoftware.smack.c2s.ModularXmppClientToServerConnectionConfiguration;
import org.jivesoftware.smack.compression.CompressionModuleDescriptor;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;

/**
 * Runs Smack's integration test framework against a server on 127.0.0.1.
 *
 * <p>The framework only knows a domain and finds the server through DNS; here its connection types
 * are replaced by ones that connect to 127.0.0.1 on the given port and trust the given certificate.
 * The WebSocket connection types are removed: there is no WebSocket listener yet (issue 19).
 */
final class SmackSuite {
  /** How long a test waits for a reply; the framework's default is 47 s. */
  static final int REPLY_TIMEOUT_MS = 10_000;

  /**
   * The connection types each low-level test runs on, by the framework's nicknames: only Smack's
   * classic TCP connection. Its "modular" connections (experimental in Smack 4.5) share one NIO
   * reactor whose threads die of a NullPointerException in {@code
   * SmackReactor.setInterestOpsCancelledKeySafe} under this suite's connect and disconnect churn;
   * every connection on a dead thread then stalls (in the TLS handshake, waiting for features, or
   * for the closing stream tag). It happens against Prosody 0.12 as well. By hand, {@code
   * -Dsinttest.enabledConnections=tcp,modular,modular-nocompress} runs them all.
   */
  static final String CONNECTIONS = System.getProperty("sinttest.enabledConnections", "tcp");

  /** Tests not run at all, with the reason; printed with the results. */
  static final Map<String, String> DISABLED =
      Map.of(
          "ModularXmppClientToServerConnectionLowLevelIntegrationTest",
          "always uses Smack's modular connection, whose reactor is not reliable (see CONNECTIONS)");

  /**
   * Tests run each in a pass of their own (fresh accounts) after the rest, because what they leave
   * behind breaks the test that happens to follow them:
   *
   * <ul>
   *   <li>the SOCKS5 file transfer test, when it fails, leaves its file-transfer listener
   *       registered on the receiving connection; that listener answers the next transfer offer a
   *       second time and fails the in-band transfer test if it comes next;
   *   <li>{@code EntityCapsTest}'s tear-down cancels the two accounts' subscriptions without
   *       waiting for the roster pushes, so the next class's set-up still sees them subscribed and
   *       returns at once, and its test then waits for presence that no longer comes.
   * </ul>
   */
  static final List<String> RUN_APART =
      List.of("FileTransferIntegrationTest.fileTransferTest", "EntityCapsTest");

  private SmackSuite() {}

  /**
   * Runs the suite: the whole of it in passes (see {@link #RUN_APART}), or with {@code selection}
   * (test classes or {@code Class.method}, comma-separated, as in {@code sinttest.enabledTests})
   * only those; then once more the tests that failed and are not in {@code expected}.
   */
  static SuiteResult run(
      String domain,
      int port,
      X509TrustManager trust,
      Map<String, String> expected,
      String selection,
      String debugger)
      throws Exception {
    useServer(port, trust);
    SuiteResult result = SuiteResult.empty();
    if (selection != null && !selection.isBlank()) {
      result.add(framework(domain, debugger).setEnabledTests(selection).run());
    } else {
      List<String> notNow = new ArrayList<>(DISABLED.keySet());
      notNow.addAll(RUN_APART);
      result.add(framework(domain, debugger).setDisabledTests(String.join(",", notNow)).run());
      for (String apart : RUN_APART) {
        result.add(framework(domain, debugger).setEnabledTests(apart).run());
      }
    }
    // Tests that depend on timing between two accounts' actors can lose a race now and then (see
    // docs/interop.md); give each unexpected failure one more run on its own, and report it.
    Set<String> retry = new TreeSet<>();
    for (String test : result.failed().keySet()) {
      if (!expected.containsKey(test)) {
        retry.add(test.replaceFirst(" \\[.*\\]$", "")); // a low-level test: all its connections
      }
    }
    if (!retry.isEmpty()) {
      result.addRetry(framework(domain, debugger).setEnabledTests(String.join(",", retry)).run());
    }
    return result;
  }

  private static ConfigBuilder framework(String domain, String debugger) throws Exception {
    return new ConfigBuilder(
        Configuration.builder()
            .setService(domain)
            .setSecurityMode("required")
            .setReplyTimeout(Integer.toString(REPLY_TIMEOUT_MS))
            // only used if a connection had no address; never ask a resolver
            .setDnsResolver(Configuration.DnsResolver.javax)
            // by nickname, so that the replaced descriptor is the one used
            .setDefaultConnection("tcp")
            .setEnabledConnections(CONNECTIONS)
            .setDebugger(debugger));
  }

  /** The framework's configuration being built, and a run of the framework with it. */
  private record ConfigBuilder(Configuration.Builder builder) {
    ConfigBuilder setEnabledTests(String tests) {
      builder.setEnabledTests(tests);
      return this;
    }

    ConfigBuilder setDisabledTests(String tests) {
      builder.setDisabledTests(tests);
      return this;
    }

    SmackIntegrationTestFramework.TestRunResult run() throws Exception {
      return new SmackIntegrationTestFramework(builder.build()).run();
    }
  }

  /** Points the framework's connection types at 127.0.0.1:{@code port}. */
  private static void useServer(int port, X509TrustManager trust) throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    XmppConnectionManager.removeConnectionDescriptor("modular-websocket-okhttp");
    XmppConnectionManager.removeConnectionDescriptor("modular-websocket-java11");
    XmppConnectionManager.addConnectionDescriptor(
        XmppConnectionDescriptor.buildWith(
                XMPPTCPConnection.class,
                XMPPTCPConnectionConfiguration.class,
                XMPPTCPConnectionConfiguration.Builder.class)
            .withNickname("tcp")
            .applyExtraConfiguration(
                b -> b.setHostAddress(loopback).setPort(port).setCustomX509TrustManager(trust))
            .build());
    XmppConnectionManager.addConnectionDescriptor(
        XmppConnectionDescriptor.buildWith(
                ModularXmppClientToServerConnection.class,
                ModularXmppClientToServerConnectionConfiguration.class,
                ModularXmppClientToServerConnectionConfiguration.Builder.class)
            .withNickname("modular")
            .applyExtraConfiguration(
                b -> b.setHostAddress(loopback).setPort(port).setCustomX509TrustManager(trust))
            .build());
    XmppConnectionManager.addConnectionDescriptor(
        XmppConnectionDescriptor.buildWith(
                ModularXmppClientToServerConnection.class,
                ModularXmppClientToServerConnectionConfiguration.class,
                ModularXmppClientToServerConnectionConfiguration.Builder.class)
            .withNickname("modular-nocompress")
            .applyExtraConfiguration(
                b ->
                    b.setHostAddress(loopback)
                        .setPort(port)
                        .setCustomX509TrustManager(trust)
                        .removeModule(CompressionModuleDescriptor.class))
            .build());
  }
}
