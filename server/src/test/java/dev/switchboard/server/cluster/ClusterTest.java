package dev.switchboard.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.server.lossless.ServerProcess;
import dev.switchboard.server.store.TestDatabases;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.XMPPException.StreamErrorException;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StreamError;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.ping.PingManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Three real nodes (three JVMs on 127.0.0.1) over one PostgreSQL schema: clients on different nodes
 * talk and see each other's presence; a node killed with SIGKILL takes only its own connections,
 * its users' contacts see them go, and messages for them wait in offline storage; a node that
 * leaves gracefully sends its clients to another node.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterTest {
  static final int NODES = 3;
  static TestDatabases.PostgresSchema schema;
  static final List<ServerProcess> nodes = new ArrayList<>();
  static final List<Integer> httpPorts = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    // fails in CI without PostgreSQL, skips elsewhere (PostgresRequirement)
    schema = new TestDatabases.PostgresSchema();
    String url = schema.jdbcUrl();
    List<Integer> clusterPorts = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      clusterPorts.add(freePort());
      httpPorts.add(freePort());
    }
    String seeds = "[\"127.0.0.1:" + clusterPorts.get(0) + "\"]";
    for (int i = 0; i < NODES; i++) {
      Map<String, String> s = new LinkedHashMap<>();
      s.put("database.url", "\"" + url + "\"");
      s.put("database.user", "\"postgres\"");
      s.put("cluster.node-name", "\"n" + (i + 1) + "\"");
      s.put("cluster.port", clusterPorts.get(i).toString());
      s.put("cluster.seeds", seeds);
      s.put("cluster.stable-after", "3s");
      s.put("http.port", httpPorts.get(i).toString());
      ServerProcess node = new ServerProcess(Path.of("target", "cluster-test", "n" + (i + 1)), s);
      nodes.add(node);
      node.start();
    }
    Map<String, String> accounts = new LinkedHashMap<>();
    for (int i = 0; i < 2 * NODES; i++) {
      accounts.put("u" + i, "pw" + i);
    }
    nodes.get(0).createAccounts(accounts);
    await().atMost(Duration.ofSeconds(60)).until(() -> upMembers(0) == NODES);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (ServerProcess n : nodes) {
      n.close();
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

  static String clusterJson(int node) throws Exception {
    return ServerProcess.clusterJson(httpPorts.get(node));
  }

  static int upMembers(int node) {
    return ServerProcess.upMembers(httpPorts.get(node));
  }

  /** User {@code u<i>} logged in on node {@code node} (0-based). */
  static XMPPTCPConnection login(int user, int node) throws Exception {
    return login(user, node, null);
  }

  /** As above, with messages collected in {@code inbox} from before login on. */
  static XMPPTCPConnection login(int user, int node, BlockingQueue<Message> inbox)
      throws Exception {
    ServerProcess p = nodes.get(node);
    XMPPTCPConnection c =
        new XMPPTCPConnection(
            XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(ServerProcess.DOMAIN)
                .setHost("127.0.0.1")
                .setPort(p.port())
                .setUsernameAndPassword("u" + user, "pw" + user)
                .setResource("n" + (node + 1))
                .setSecurityMode(SecurityMode.required)
                .setCustomX509TrustManager(p.trustManager())
                .build());
    c.setReplyTimeout(15_000);
    if (inbox != null) {
      c.addSyncStanzaListener(s -> inbox.add((Message) s), StanzaTypeFilter.MESSAGE);
    }
    c.connect().login();
    PingManager.getInstanceFor(c).ping(c.getUser().asBareJid());
    return c;
  }

  static BlockingQueue<Message> inbox(XMPPTCPConnection c) {
    BlockingQueue<Message> q = new LinkedBlockingQueue<>();
    c.addSyncStanzaListener(s -> q.add((Message) s), StanzaTypeFilter.MESSAGE);
    return q;
  }

  static void send(XMPPTCPConnection from, int to, String body) throws Exception {
    from.sendStanza(
        from.getStanzaFactory()
            .buildMessageStanza()
            .to(JidCreate.entityBareFrom("u" + to + "@localhost"))
            .ofType(Message.Type.chat)
            .setBody(body)
            .build());
  }

  @Test
  @Order(1)
  void everyNodeSeesTheWholeCluster() throws Exception {
    // each node learns the others' names and load within a second or two of them being Up
    for (int i = 0; i < NODES; i++) {
      int node = i;
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> {
                String json = clusterJson(node);
                for (int n = 1; n <= NODES; n++) {
                  assertThat(json).contains("\"name\":\"n" + n + "\"");
                }
              });
    }
  }

  @Test
  @Order(2)
  void allToAllMessagesAcrossNodes() throws Exception {
    List<XMPPTCPConnection> clients = new ArrayList<>();
    List<BlockingQueue<Message>> inboxes = new ArrayList<>();
    try {
      for (int u = 0; u < 2 * NODES; u++) {
        XMPPTCPConnection c = login(u, u % NODES);
        clients.add(c);
        inboxes.add(inbox(c));
      }
      for (int from = 0; from < clients.size(); from++) {
        for (int to = 0; to < clients.size(); to++) {
          if (from != to) {
            send(clients.get(from), to, "from u" + from + " to u" + to);
          }
        }
      }
      for (int to = 0; to < clients.size(); to++) {
        Set<String> expected = new HashSet<>();
        for (int from = 0; from < clients.size(); from++) {
          if (from != to) {
            expected.add("from u" + from + " to u" + to);
          }
        }
        Set<String> got = new HashSet<>();
        while (got.size() < expected.size()) {
          Message m = inboxes.get(to).poll(20, TimeUnit.SECONDS);
          assertThat(m).as("u" + to + " got " + got).isNotNull();
          got.add(m.getBody());
        }
        assertThat(got).isEqualTo(expected);
      }
    } finally {
      clients.forEach(XMPPTCPConnection::disconnect);
    }
  }

  @Test
  @Order(3)
  void presenceAndSubscriptionsAcrossNodes() throws Exception {
    XMPPTCPConnection a = login(0, 0);
    XMPPTCPConnection b = login(1, 1);
    try {
      Roster ra = Roster.getInstanceFor(a);
      Roster rb = Roster.getInstanceFor(b);
      ra.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
      rb.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
      BareJid aj = JidCreate.bareFrom("u0@localhost");
      BareJid bj = JidCreate.bareFrom("u1@localhost");
      ra.createItemAndRequestSubscription(bj, "u1", null);
      rb.createItemAndRequestSubscription(aj, "u0", null);
      await().atMost(Duration.ofSeconds(20)).until(() -> ra.getPresence(bj).isAvailable());
      await().atMost(Duration.ofSeconds(20)).until(() -> rb.getPresence(aj).isAvailable());
      b.disconnect();
      await().atMost(Duration.ofSeconds(20)).until(() -> !ra.getPresence(bj).isAvailable());
    } finally {
      a.disconnect();
      b.disconnect();
    }
  }

  @Test
  @Order(4)
  void aKilledNodeTakesOnlyItsConnectionsAndNothingIsLost() throws Exception {
    // u2 on n3 is u0's contact (subscribed both ways), u0 stays on n1
    XMPPTCPConnection a = login(0, 0);
    XMPPTCPConnection c = login(2, 2);
    try {
      Roster ra = Roster.getInstanceFor(a);
      Roster rc = Roster.getInstanceFor(c);
      ra.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
      rc.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
      BareJid cj = JidCreate.bareFrom("u2@localhost");
      ra.createItemAndRequestSubscription(cj, "u2", null);
      rc.createItemAndRequestSubscription(JidCreate.bareFrom("u0@localhost"), "u0", null);
      await().atMost(Duration.ofSeconds(20)).until(() -> ra.getPresence(cj).isAvailable());

      long t0 = System.nanoTime();
      nodes.get(2).kill();
      // the dead node is noticed, downed, its session forgotten: u0 sees u2 go
      await().atMost(Duration.ofSeconds(60)).until(() -> !ra.getPresence(cj).isAvailable());
      long detectMillis = (System.nanoTime() - t0) / 1_000_000;
      System.out.println(
          "cluster: a killed node's users went unavailable after " + detectMillis + " ms");
      assertThat(a.isConnected()).isTrue();
      await().atMost(Duration.ofSeconds(30)).until(() -> upMembers(0) == NODES - 1);

      // messages for u2 now wait in offline storage; u2 comes back on another node and gets them
      for (int i = 0; i < 10; i++) {
        send(a, 2, "while n3 is down " + i);
      }
      PingManager.getInstanceFor(a).ping(a.getUser().asBareJid());
      // listening before login: stored messages come right after initial presence
      BlockingQueue<Message> got = new LinkedBlockingQueue<>();
      XMPPTCPConnection back = login(2, 1, got);
      try {
        List<String> bodies = new ArrayList<>();
        while (bodies.size() < 10) {
          Message m = got.poll(20, TimeUnit.SECONDS);
          assertThat(m).as("offline messages so far: " + bodies).isNotNull();
          if (m.getBody() != null && m.getBody().startsWith("while n3 is down")) {
            bodies.add(m.getBody());
          }
        }
        for (int i = 0; i < 10; i++) {
          assertThat(bodies.get(i)).isEqualTo("while n3 is down " + i);
        }
      } finally {
        back.disconnect();
      }
    } finally {
      a.disconnect();
    }
  }

  @Test
  @Order(5)
  void aNodeLeavingGracefullySendsItsClientsElsewhere() throws Exception {
    XMPPTCPConnection onLeaving = login(3, 1);
    XMPPTCPConnection stays = login(4, 0);
    CompletableFuture<Exception> closed = new CompletableFuture<>();
    onLeaving.addConnectionListener(
        new ConnectionListener() {
          @Override
          public void connectionClosedOnError(Exception e) {
            closed.complete(e);
          }

          @Override
          public void connected(XMPPConnection connection) {}
        });
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + httpPorts.get(1) + "/admin/cluster/leave"))
                      .POST(HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(202);
      Exception e = closed.get(30, TimeUnit.SECONDS);
      assertThat(e).isInstanceOf(StreamErrorException.class);
      StreamError error = ((StreamErrorException) e).getStreamError();
      assertThat(error.getCondition()).isEqualTo(StreamError.Condition.see_other_host);
      assertThat(error.getConditionText()).isEqualTo("127.0.0.1:" + nodes.get(0).port());
      await().atMost(Duration.ofSeconds(30)).until(() -> upMembers(0) == 1);
      await().atMost(Duration.ofSeconds(30)).until(() -> !nodes.get(1).isAlive());
      // the remaining node still serves everyone, including accounts n2 hosted
      XMPPTCPConnection again = login(3, 0);
      BlockingQueue<Message> got = inbox(again);
      send(stays, 3, "after the leave");
      Message m = got.poll(20, TimeUnit.SECONDS);
      assertThat(m).isNotNull();
      assertThat(m.getBody()).isEqualTo("after the leave");
      again.disconnect();
    } finally {
      onLeaving.disconnect();
      stays.disconnect();
    }
  }
}
