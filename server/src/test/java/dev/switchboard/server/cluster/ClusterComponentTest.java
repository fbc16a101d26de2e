package dev.switchboard.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.server.Server;
import dev.switchboard.server.auth.Passwords;
import dev.switchboard.server.config.ConfigLoader;
import dev.switchboard.server.it.Smack;
import dev.switchboard.server.module.Module;
import dev.switchboard.server.module.ModuleContext;
import dev.switchboard.server.module.Registrations;
import dev.switchboard.server.store.TestDatabases;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.Namespaces;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Two nodes of one cluster in this JVM, over one PostgreSQL schema. A module serves the component
 * domain {@code echo.localhost} on the first node only; a client of the second node reaches it, and
 * the module's own IQ request to that client gets its reply back across the cluster.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClusterComponentTest {
  private static final String ECHO = "echo.localhost";
  private static final String MIRROR = "mirror.localhost";
  static TestDatabases.PostgresSchema schema;
  static final List<Server> nodes = new ArrayList<>();
  static final List<Path> dirs = new ArrayList<>();

  /** Answers every IQ request with an empty result, from the node it runs on. */
  static final class MirrorModule implements Module {
    @Override
    public String name() {
      return "mirror";
    }

    @Override
    public Registrations start(ModuleContext ctx) {
      return Registrations.builder()
          .component(
              MIRROR,
              stanza -> {
                if (stanza.name().equals("iq") && "get".equals(stanza.attr("type"))) {
                  ctx.router()
                      .route(
                          Element.builder("iq", Namespaces.CLIENT)
                              .attr("type", "result")
                              .attr("id", stanza.attr("id"))
                              .attr("from", stanza.attr("to"))
                              .attr("to", stanza.attr("from"))
                              .build());
                }
              })
          .build();
    }
  }

  /**
   * Echoes messages; on "ping me" it pings the sender, on "ask the mirror" it asks the mirror
   * component, and reports the answer either way.
   */
  static final class EchoModule implements Module {
    @Override
    public String name() {
      return "echo";
    }

    @Override
    public Registrations start(ModuleContext ctx) {
      return Registrations.builder()
          .component(ECHO, stanza -> echo(ctx, stanza))
          .identity("component", "generic", "Echo")
          .build();
    }

    private static void echo(ModuleContext ctx, Element stanza) {
      if (!stanza.name().equals("message")) {
        return;
      }
      Jid sender = stanza.fromJid();
      String body = stanza.childText("body", Namespaces.CLIENT);
      String target =
          switch (String.valueOf(body)) {
            case "ping me" -> sender.toString();
            case "ask the mirror" -> "m@" + MIRROR;
            default -> null;
          };
      if (target == null) {
        ctx.router().route(reply(stanza, "echo: " + body));
        return;
      }
      Element ping =
          Element.builder("iq", Namespaces.CLIENT)
              .attr("type", "get")
              .attr("from", ECHO)
              .attr("to", target)
              .child("ping", "urn:xmpp:ping")
              .build();
      ctx.iqs()
          .send(ping, Duration.ofSeconds(10))
          .whenComplete(
              (answer, error) ->
                  ctx.router()
                      .route(
                          reply(
                              stanza,
                              error != null
                                  ? "no answer: " + error
                                  : "answered " + answer.attr("type"))));
    }

    private static Element reply(Element to, String body) {
      return Element.builder("message", Namespaces.CLIENT)
          .attr("from", to.attr("to"))
          .attr("to", to.attr("from"))
          .attr("type", "chat")
          .child(Element.builder("body", Namespaces.CLIENT).text(body).build())
          .build();
    }
  }

  @BeforeAll
  static void startCluster() throws Exception {
    schema = new TestDatabases.PostgresSchema();
    int seedPort = freePort();
    List<Supplier<Module>> catalog = new ArrayList<>(Server.defaultModules());
    catalog.add(EchoModule::new);
    catalog.add(MirrorModule::new);
    for (int i = 0; i < 2; i++) {
      Path dir = Files.createTempDirectory("sb-cluster-component");
      dirs.add(dir);
      Map<String, String> o = new LinkedHashMap<>();
      o.put("data-dir", "\"" + dir + "\"");
      o.put("c2s.bind-address", "\"127.0.0.1\"");
      o.put("c2s.port", Integer.toString(freePort()));
      o.put("c2s.tls-port", "0");
      o.put("http.port", "0");
      o.put("database.url", "\"" + schema.jdbcUrl() + "\"");
      o.put("database.user", "\"postgres\"");
      o.put("cluster.node-name", "\"n" + (i + 1) + "\"");
      o.put("cluster.host", "\"127.0.0.1\"");
      o.put("cluster.port", Integer.toString(i == 0 ? seedPort : freePort()));
      o.put("cluster.seeds", "[\"127.0.0.1:" + seedPort + "\"]");
      o.put("cluster.stable-after", "3s");
      // the echo component runs on the first node only, the mirror on the second only
      o.put("modules.echo.enabled", i == 0 ? "true" : "false");
      o.put("modules.mirror.enabled", i == 1 ? "true" : "false");
      nodes.add(Server.start(ConfigLoader.load(null, o), catalog));
    }
    nodes.get(0).accounts().create(Jid.parse("carol@localhost"), Passwords.derive("pw", 4096));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> nodes.get(1).cluster().members().size() == 2);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).close();
    }
    if (schema != null) {
      schema.close();
    }
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static XMPPTCPConnection login(int node) throws Exception {
    X509TrustManager trust;
    try (InputStream in = Files.newInputStream(dirs.get(node).resolve("tls/localhost.crt"))) {
      X509Certificate cert =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      ks.setCertificateEntry("sb", cert);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      trust = (X509TrustManager) tmf.getTrustManagers()[0];
    }
    XMPPTCPConnection c =
        new XMPPTCPConnection(
            XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain("localhost")
                .setHost("127.0.0.1")
                .setPort(nodes.get(node).c2sAddresses().get(0).getPort())
                .setUsernameAndPassword("carol", "pw")
                .setSecurityMode(SecurityMode.required)
                .setCustomX509TrustManager(trust)
                .build());
    c.connect().login();
    Smack.sync(c);
    return c;
  }

  @Test
  void aComponentOnOneNodeServesClientsOfAnotherAndItsRequestsGetTheirReplies() throws Exception {
    XMPPTCPConnection carol = login(1);
    try {
      BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
      carol.addSyncStanzaListener(s -> inbox.add((Message) s), StanzaTypeFilter.MESSAGE);
      // the directory learns of the other node's component through the receptionist: retry
      // until it has (a message to an unknown domain is bounced meanwhile)
      Message echoed = null;
      for (int attempt = 0; attempt < 20 && echoed == null; attempt++) {
        carol.sendStanza(
            carol
                .getStanzaFactory()
                .buildMessageStanza()
                .to(JidCreate.entityBareFrom("room@" + ECHO))
                .ofType(Message.Type.chat)
                .setBody("hello")
                .build());
        Message m = inbox.poll(2, TimeUnit.SECONDS);
        if (m != null && m.getType() != Message.Type.error) {
          echoed = m;
        }
      }
      assertThat(echoed).as("an echo from the other node's component").isNotNull();
      assertThat(echoed.getBody()).isEqualTo("echo: hello");
      assertThat(echoed.getFrom().toString()).isEqualTo("room@" + ECHO);

      carol.sendStanza(
          carol
              .getStanzaFactory()
              .buildMessageStanza()
              .to(JidCreate.entityBareFrom("room@" + ECHO))
              .ofType(Message.Type.chat)
              .setBody("ping me")
              .build());
      Message answered = inbox.poll(15, TimeUnit.SECONDS);
      assertThat(answered).isNotNull();
      assertThat(answered.getBody()).isEqualTo("answered result");

      // node 1 asks node 2's mirror; the reply reaches node 2's router first, which hands it to
      // the request's own node: both legs cross the cluster whatever node owns carol's account
      Message mirrored = null;
      for (int attempt = 0; attempt < 20 && mirrored == null; attempt++) {
        carol.sendStanza(
            carol
                .getStanzaFactory()
                .buildMessageStanza()
                .to(JidCreate.entityBareFrom("room@" + ECHO))
                .ofType(Message.Type.chat)
                .setBody("ask the mirror")
                .build());
        Message m = inbox.poll(12, TimeUnit.SECONDS);
        if (m != null && "answered result".equals(m.getBody())) {
          mirrored = m;
        }
      }
      assertThat(mirrored).as("the mirror's answer, relayed by the echo").isNotNull();
    } finally {
      carol.disconnect();
    }
  }
}
