package dev.switchboard.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.xmpp.Element;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Messages are archived for both parties as they are routed, with stanza-ids in archive order. */
class ArchivingTest {
  static final String MAM = "urn:xmpp:mam:2";
  static final String SID = "urn:xmpp:sid:0";
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    for (String u : List.of("ar-a", "ar-b", "ar-c", "ar-d", "ar-e", "ar-f")) {
      server.createAccount(u, "pw");
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static List<Element> archive(Peer p, String with) throws Exception {
    String qid = "q" + Peer.nextId();
    String form =
        with == null
            ? ""
            : "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'>"
                + "<value>urn:xmpp:mam:2</value></field><field var='with'><value>"
                + with
                + "</value></field></x>";
    Element fin =
        p.iq(
            qid,
            "<iq type='set' id='"
                + qid
                + "'><query xmlns='"
                + MAM
                + "' queryid='"
                + qid
                + "'>"
                + form
                + "</query></iq>");
    assertThat(fin.attr("type")).isEqualTo("result");
    return p.sync().stream()
        .filter(e -> e.name().equals("message") && e.child("result", MAM) != null)
        .toList();
  }

  static String body(Element mamResult) {
    return mamResult
        .child("result", MAM)
        .child("forwarded", "urn:xmpp:forward:0")
        .child("message", "jabber:client")
        .childText("body", "jabber:client");
  }

  @Test
  void bothPartiesArchiveAndTheRecipientSeesTheStanzaId() throws Exception {
    try (Peer a = Peer.online(server, "ar-a", "r");
        Peer b = Peer.online(server, "ar-b", "r")) {
      a.send("<message to='ar-b@localhost' type='chat'><body>first</body></message>");
      a.send("<message to='ar-b@localhost' type='chat'><body>second</body></message>");
      Element m1 = b.expect("first", e -> "first".equals(e.childText("body", "jabber:client")));
      Element m2 = b.expect("second", e -> "second".equals(e.childText("body", "jabber:client")));
      Element sid1 = m1.child("stanza-id", SID);
      Element sid2 = m2.child("stanza-id", SID);
      assertThat(sid1.attr("by")).isEqualTo("ar-b@localhost");
      assertThat(sid1.attr("id")).isLessThan(sid2.attr("id"));

      List<Element> bArchive = archive(b, "ar-a@localhost");
      assertThat(bArchive).extracting(ArchivingTest::body).containsExactly("first", "second");
      assertThat(bArchive.get(0).child("result", MAM).attr("id")).isEqualTo(sid1.attr("id"));
      List<Element> aArchive = archive(a, "ar-b@localhost");
      assertThat(aArchive).extracting(ArchivingTest::body).containsExactly("first", "second");
    }
  }

  @Test
  void messagesToAnOfflineAccountAreArchivedAndStored() throws Exception {
    try (Peer c = Peer.online(server, "ar-c", "r")) {
      c.send("<message to='ar-d@localhost' type='chat'><body>while you were out</body></message>");
      c.sync(dev.switchboard.xmpp.Jid.parse("ar-d@localhost"));
    }
    try (Peer d = Peer.online(server, "ar-d", "r")) {
      Element stored =
          d.expect(
              "offline", e -> "while you were out".equals(e.childText("body", "jabber:client")));
      assertThat(stored.child("delay", "urn:xmpp:delay")).isNotNull();
      assertThat(stored.child("stanza-id", SID).attr("by")).isEqualTo("ar-d@localhost");
      assertThat(archive(d, null)).extracting(ArchivingTest::body).contains("while you were out");
    }
  }

  @Test
  void aResendWithTheSameOriginIdIsAcknowledgedButNotDeliveredTwice() throws Exception {
    try (Peer e = Peer.online(server, "ar-e", "r");
        Peer f = Peer.online(server, "ar-f", "r")) {
      String m =
          "<message to='ar-f@localhost' type='chat' id='x1'><body>once</body>"
              + "<origin-id xmlns='urn:xmpp:sid:0' id='origin-42'/></message>";
      e.send(m);
      f.expect("the message", x -> "once".equals(x.childText("body", "jabber:client")));
      e.send(m);
      e.send("<message to='ar-f@localhost' type='chat'><body>after</body></message>");
      List<Element> seen = f.sync(e.bare());
      long onces =
          seen.stream().filter(x -> "once".equals(x.childText("body", "jabber:client"))).count();
      f.expect("the next message", x -> "after".equals(x.childText("body", "jabber:client")));
      assertThat(onces).isZero();
      assertThat(archive(f, "ar-e@localhost"))
          .extracting(ArchivingTest::body)
          .containsExactly("once", "after");
    }
  }

  @Test
  void spoofedStanzaIdsAreRemoved() throws Exception {
    try (Peer a = Peer.online(server, "ar-a", "s");
        Peer b = Peer.online(server, "ar-b", "s")) {
      a.send(
          "<message to='ar-b@localhost/s' type='chat'><body>spoof</body>"
              + "<stanza-id xmlns='urn:xmpp:sid:0' id='fake' by='ar-b@localhost'/></message>");
      Element m = b.expect("spoof", e -> "spoof".equals(e.childText("body", "jabber:client")));
      assertThat(m.elements().stream().filter(e -> e.is("stanza-id", SID)))
          .singleElement()
          .satisfies(sid -> assertThat(sid.attr("id")).isNotEqualTo("fake"));
    }
  }
}
