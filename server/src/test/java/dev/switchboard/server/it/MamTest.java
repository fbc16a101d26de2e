package dev.switchboard.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.server.mod.mam.ArchivedMessage;
import dev.switchboard.server.mod.mam.JdbcArchiveStore;
import dev.switchboard.server.mod.mam.StanzaIds;
import dev.switchboard.server.store.Database;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.Namespaces;
import dev.switchboard.xmpp.StanzaError;
import dev.switchboard.xmpp.StanzaErrorCondition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.mam.MamManager;
import org.jivesoftware.smackx.mam.MamManager.MamPrefs;
import org.jivesoftware.smackx.mam.MamManager.MamQuery;
import org.jivesoftware.smackx.mam.MamManager.MamQueryArgs;
import org.jivesoftware.smackx.mam.element.MamPrefsIQ.DefaultBehavior;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/**
 * XEP-0313 over the wire: an archive seeded straight into the server's database, then queried,
 * paged both ways and filtered by a scripted client and by Smack's MamManager.
 */
class MamTest {
  static final String NS = "urn:xmpp:mam:2";
  static final String RSM = "http://jabber.org/protocol/rsm";
  static final String DATA = "jabber:x:data";
  static final Instant T0 = Instant.parse("2024-03-01T12:00:00Z");
  static final int MESSAGES = 30;
  static final int MAX_PAGE = 20;

  static TestServer server;
  static Jid alice;
  static Jid bob;
  static Jid carol;

  /** Alice's archive ids, message n at index n - 1. */
  static final List<String> ids = new ArrayList<>();

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("modules.mam.max-page-size", Integer.toString(MAX_PAGE)));
    alice = server.createAccount("alice", "pw-alice");
    bob = server.createAccount("bob", "pw-bob");
    carol = server.createAccount("carol", "pw-carol");
    server.createAccount("dave", "pw-dave");
    StanzaIds stanzaIds = new StanzaIds();
    List<ArchivedMessage> archive = new ArrayList<>();
    for (int n = 1; n <= MESSAGES; n++) {
      String id = stanzaIds.next();
      ids.add(id);
      archive.add(message(id, alice, n));
    }
    Jid dave = Jid.bare("dave", TestServer.DOMAIN);
    for (int n = 1; n <= 25; n++) {
      archive.add(message(stanzaIds.next(), dave, n));
    }
    try (Database db = Database.open(server.server().config())) {
      JdbcArchiveStore store = new JdbcArchiveStore(db);
      db.inTransaction(
          c -> {
            store.appendAll(c, archive);
            return null;
          });
    }
  }

  /**
   * Message n of an archive, a minute after the previous one: with carol when n is a multiple of 3,
   * otherwise with bob on his phone (n even) or laptop (n odd); even ones are sent by the owner.
   */
  static ArchivedMessage message(String id, Jid owner, int n) {
    Jid peer =
        n % 3 == 0 ? carol.withResource("desk") : bob.withResource(n % 2 == 0 ? "phone" : "laptop");
    boolean outgoing = n % 2 == 0;
    Jid me = owner.withResource("home");
    Element m =
        Element.builder("message", Namespaces.CLIENT)
            .attr("from", (outgoing ? me : peer).toString())
            .attr("to", (outgoing ? peer : me).toString())
            .attr("type", "chat")
            .attr("id", "msg-" + n)
            .child(Element.builder("body", Namespaces.CLIENT).text("message " + n).build())
            .build();
    return new ArchivedMessage(
        id, owner, peer.toBare(), outgoing, T0.plusSeconds(60L * n), "origin-" + n, m);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  // ---- a scripted client ----

  record Page(List<Element> results, Element iq) {
    Element fin() {
      return iq.child("fin", NS);
    }

    Element set() {
      return fin().child("set", RSM);
    }

    boolean complete() {
      return "true".equals(fin().attr("complete"));
    }

    List<String> ids() {
      return results.stream().map(r -> r.child("result", NS).attr("id")).toList();
    }

    List<String> bodies() {
      return results.stream()
          .map(
              r ->
                  r.child("result", NS)
                      .child("forwarded", "urn:xmpp:forward:0")
                      .child("message", Namespaces.CLIENT)
                      .childText("body", Namespaces.CLIENT))
          .toList();
    }
  }

  static ScriptedClient login(String user) throws Exception {
    ScriptedClient c = new ScriptedClient(server, true);
    c.open();
    c.loginPlain(user, "pw-" + user);
    return c;
  }

  private static int iqs;

  /** Sends an IQ and collects every message up to its answer. */
  static Page iq(ScriptedClient c, String type, String to, String payload) throws Exception {
    String id = "q" + ++iqs;
    c.send(
        "<iq type='"
            + type
            + "' id='"
            + id
            + "'"
            + (to == null ? "" : " to='" + to + "'")
            + ">"
            + payload
            + "</iq>");
    List<Element> results = new ArrayList<>();
    while (true) {
      Element e = c.next();
      if (e.name().equals("message")) {
        results.add(e);
      } else if (e.name().equals("iq") && id.equals(e.attr("id"))) {
        return new Page(results, e);
      }
    }
  }

  static Page query(ScriptedClient c, String form, String rsm) throws Exception {
    return iq(
        c,
        "set",
        null,
        "<query xmlns='" + NS + "' queryid='qid'>" + form(form) + rsm(rsm) + "</query>");
  }

  static String form(String fields) {
    return fields == null
        ? ""
        : "<x xmlns='"
            + DATA
            + "' type='submit'><field var='FORM_TYPE' type='hidden'><value>"
            + NS
            + "</value></field>"
            + fields
            + "</x>";
  }

  static String field(String var, String... values) {
    StringBuilder sb = new StringBuilder("<field var='" + var + "'>");
    for (String v : values) {
      sb.append("<value>").append(v).append("</value>");
    }
    return sb.append("</field>").toString();
  }

  static String rsm(String inner) {
    return inner == null ? "" : "<set xmlns='" + RSM + "'>" + inner + "</set>";
  }

  static List<String> ids(int... ns) {
    return IntStream.of(ns).mapToObj(n -> ids.get(n - 1)).toList();
  }

  static List<String> range(int from, int to) {
    return ids.subList(from - 1, to);
  }

  static StanzaErrorCondition error(Page p) {
    assertThat(p.iq().attr("type")).isEqualTo("error");
    return StanzaError.conditionOf(p.iq());
  }

  // ---- queries ----

  @Test
  void resultsAreForwardedMessagesThenFin() throws Exception {
    try (ScriptedClient c = login("alice")) {
      Page p = query(c, null, "<max>2</max>");
      assertThat(p.results()).hasSize(2);
      Element first = p.results().get(0);
      assertThat(first.attr("from")).isEqualTo("alice@localhost");
      assertThat(first.attr("to")).startsWith("alice@localhost/");
      assertThat(first.attr("id")).isNotBlank();
      Element result = first.child("result", NS);
      assertThat(result.attr("queryid")).isEqualTo("qid");
      assertThat(result.attr("id")).isEqualTo(ids.get(0));
      Element forwarded = result.child("forwarded", "urn:xmpp:forward:0");
      assertThat(forwarded.child("delay", "urn:xmpp:delay").attr("stamp"))
          .isEqualTo("2024-03-01T12:01:00Z");
      Element m = forwarded.child("message", Namespaces.CLIENT);
      assertThat(m.attr("from")).isEqualTo("bob@localhost/laptop");
      assertThat(m.attr("to")).isEqualTo("alice@localhost/home");
      assertThat(m.childText("body", Namespaces.CLIENT)).isEqualTo("message 1");

      assertThat(p.iq().attr("type")).isEqualTo("result");
      assertThat(p.iq().attr("from")).isEqualTo("alice@localhost");
      assertThat(p.complete()).isFalse();
      assertThat(p.set().child("first", RSM).attr("index")).isEqualTo("0");
      assertThat(p.set().childText("first", RSM)).isEqualTo(ids.get(0));
      assertThat(p.set().childText("last", RSM)).isEqualTo(ids.get(1));
      assertThat(p.set().childText("count", RSM)).isEqualTo("30");
    }
  }

  @Test
  void pagesForwardWithRsmAfter() throws Exception {
    try (ScriptedClient c = login("alice")) {
      List<String> seen = new ArrayList<>();
      List<String> indexes = new ArrayList<>();
      String after = null;
      Page p;
      do {
        p = query(c, null, "<max>8</max>" + (after == null ? "" : "<after>" + after + "</after>"));
        seen.addAll(p.ids());
        indexes.add(p.set().child("first", RSM).attr("index"));
        assertThat(p.set().childText("count", RSM)).isEqualTo("30");
        after = p.set().childText("last", RSM);
      } while (!p.complete());
      assertThat(seen).isEqualTo(ids);
      assertThat(indexes).containsExactly("0", "8", "16", "24");
      assertThat(p.ids()).hasSize(6);

      Page beyond = query(c, null, "<max>8</max><after>" + ids.get(29) + "</after>");
      assertThat(beyond.results()).isEmpty();
      assertThat(beyond.complete()).isTrue();
      assertThat(beyond.set().child("first", RSM)).isNull();
      assertThat(beyond.set().childText("count", RSM)).isEqualTo("30");
    }
  }

  @Test
  void pagesBackwardWithRsmBefore() throws Exception {
    try (ScriptedClient c = login("alice")) {
      Page last = query(c, null, "<max>8</max><before/>");
      assertThat(last.ids()).as("last page, in archive order").isEqualTo(range(23, 30));
      assertThat(last.complete()).isFalse();
      assertThat(last.set().child("first", RSM).attr("index")).isEqualTo("22");

      List<String> seen = new ArrayList<>(last.ids());
      Page p = last;
      while (!p.complete()) {
        p = query(c, null, "<max>8</max><before>" + p.set().childText("first", RSM) + "</before>");
        seen.addAll(0, p.ids());
      }
      assertThat(seen).isEqualTo(ids);
      assertThat(p.ids()).isEqualTo(range(1, 6));
      assertThat(p.set().child("first", RSM).attr("index")).isEqualTo("0");
    }
  }

  @Test
  void withMatchesEveryResourceOfABareJidOrOneResource() throws Exception {
    try (ScriptedClient c = login("alice")) {
      Page carol = query(c, field("with", "carol@localhost"), null);
      assertThat(carol.ids()).isEqualTo(ids(3, 6, 9, 12, 15, 18, 21, 24, 27, 30));
      assertThat(carol.complete()).isTrue();
      assertThat(carol.bodies()).first().isEqualTo("message 3");

      Page phone = query(c, field("with", "bob@localhost/phone"), "<max>3</max>");
      assertThat(phone.ids()).isEqualTo(ids(2, 4, 8));
      assertThat(phone.set().childText("count", RSM)).isEqualTo("10");
      assertThat(phone.complete()).isFalse();

      Page bob = query(c, field("with", "bob@localhost"), "<max>100</max>");
      assertThat(bob.ids()).as("capped at the configured maximum").hasSize(MAX_PAGE);
      assertThat(bob.set().childText("count", RSM)).isEqualTo("20");
      assertThat(bob.complete()).isTrue();
    }
  }

  @Test
  void startAndEndBoundTheTime() throws Exception {
    try (ScriptedClient c = login("alice")) {
      Page p =
          query(
              c,
              field("start", "2024-03-01T12:05:00Z") + field("end", "2024-03-01T14:07:00+02:00"),
              null);
      assertThat(p.ids()).isEqualTo(range(5, 7));
      assertThat(p.complete()).isTrue();
      Page since = query(c, field("start", "2024-03-01T12:29:30.5Z"), null);
      assertThat(since.ids()).isEqualTo(ids(30));
    }
  }

  @Test
  void aQueryWithoutMaxGetsAtMostTheServersPage() throws Exception {
    try (ScriptedClient c = login("alice")) {
      Page p = query(c, null, null);
      assertThat(p.ids()).isEqualTo(range(1, MAX_PAGE));
      assertThat(p.complete()).isFalse();
    }
  }

  @Test
  void extendedFieldsIdsAfterIdAndBeforeId() throws Exception {
    try (ScriptedClient c = login("alice")) {
      Page some = query(c, field("ids", ids.get(9), ids.get(2), ids.get(20)), null);
      assertThat(some.ids()).isEqualTo(ids(3, 10, 21));
      assertThat(some.complete()).isTrue();

      Page between =
          query(c, field("after-id", ids.get(9)) + field("before-id", ids.get(14)), null);
      assertThat(between.ids()).isEqualTo(range(11, 14));

      // before-id pages forward (from the start), unlike RSM before
      Page capped = query(c, field("before-id", ids.get(14)), "<max>3</max>");
      assertThat(capped.ids()).isEqualTo(range(1, 3));
      assertThat(capped.complete()).isFalse();

      // after-id and RSM after together: the later bound applies
      Page both =
          query(c, field("after-id", ids.get(4)), "<max>2</max><after>" + ids.get(9) + "</after>");
      assertThat(both.ids()).isEqualTo(range(11, 12));
    }
  }

  @Test
  void flippedPagesArriveNewestFirst() throws Exception {
    try (ScriptedClient c = login("alice")) {
      Page p =
          iq(
              c,
              "set",
              null,
              "<query xmlns='" + NS + "'>" + rsm("<max>4</max><before/>") + "<flip-page/></query>");
      assertThat(p.ids()).isEqualTo(ids(30, 29, 28, 27));
      assertThat(p.set().childText("first", RSM)).isEqualTo(ids.get(26));
      assertThat(p.set().childText("last", RSM)).isEqualTo(ids.get(29));
    }
  }

  @Test
  void metadataNamesTheFirstAndLastMessage() throws Exception {
    try (ScriptedClient c = login("alice")) {
      Element m = iq(c, "get", null, "<metadata xmlns='" + NS + "'/>").iq().child("metadata", NS);
      assertThat(m.child("start", NS).attr("id")).isEqualTo(ids.get(0));
      assertThat(m.child("start", NS).attr("timestamp")).isEqualTo("2024-03-01T12:01:00Z");
      assertThat(m.child("end", NS).attr("id")).isEqualTo(ids.get(29));
      assertThat(m.child("end", NS).attr("timestamp")).isEqualTo("2024-03-01T12:30:00Z");
    }
    try (ScriptedClient c = login("carol")) {
      Element empty =
          iq(c, "get", null, "<metadata xmlns='" + NS + "'/>").iq().child("metadata", NS);
      assertThat(empty.elements()).isEmpty();
    }
  }

  @Test
  void theFormListsTheSupportedFields() throws Exception {
    try (ScriptedClient c = login("alice")) {
      Element x =
          iq(c, "get", null, "<query xmlns='" + NS + "'/>")
              .iq()
              .child("query", NS)
              .child("x", DATA);
      assertThat(x.attr("type")).isEqualTo("form");
      assertThat(x.elements())
          .extracting(f -> f.attr("var"))
          .containsExactly("FORM_TYPE", "with", "start", "end", "before-id", "after-id", "ids");
      Element ids = x.elements().get(6);
      assertThat(ids.attr("type")).isEqualTo("list-multi");
      assertThat(ids.child("validate", "http://jabber.org/protocol/xdata-validate").elements())
          .extracting(Element::name)
          .containsExactly("open");
    }
  }

  @Test
  void errors() throws Exception {
    try (ScriptedClient c = login("alice")) {
      String bogus = "00000000BOGUS";
      assertThat(error(query(c, null, "<after>" + bogus + "</after>")))
          .isEqualTo(StanzaErrorCondition.ITEM_NOT_FOUND);
      assertThat(error(query(c, null, "<before>" + bogus + "</before>")))
          .isEqualTo(StanzaErrorCondition.ITEM_NOT_FOUND);
      assertThat(error(query(c, field("after-id", bogus), null)))
          .isEqualTo(StanzaErrorCondition.ITEM_NOT_FOUND);
      assertThat(error(query(c, field("ids", ids.get(0), bogus), null)))
          .isEqualTo(StanzaErrorCondition.ITEM_NOT_FOUND);
      // the bound that does not apply must exist too
      assertThat(error(query(c, field("after-id", bogus), "<after>" + ids.get(20) + "</after>")))
          .isEqualTo(StanzaErrorCondition.ITEM_NOT_FOUND);
      assertThat(error(query(c, field("start", "yesterday"), null)))
          .isEqualTo(StanzaErrorCondition.BAD_REQUEST);
      assertThat(error(query(c, field("with", "@localhost"), null)))
          .isEqualTo(StanzaErrorCondition.BAD_REQUEST);
      assertThat(error(query(c, null, "<max>lots</max>")))
          .isEqualTo(StanzaErrorCondition.BAD_REQUEST);
      assertThat(error(query(c, field("include-groupchat", "true"), null)))
          .isEqualTo(StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED);
      // the session lives on
      assertThat(query(c, null, "<max>1</max>").ids()).containsExactly(ids.get(0));
    }
  }

  @Test
  void someoneElsesArchiveIsForbidden() throws Exception {
    try (ScriptedClient c = login("bob")) {
      Page p = iq(c, "set", "alice@localhost", "<query xmlns='" + NS + "' queryid='peek'/>");
      assertThat(error(p)).isEqualTo(StanzaErrorCondition.FORBIDDEN);
      assertThat(p.results()).isEmpty();
      assertThat(error(iq(c, "get", "alice@localhost", "<prefs xmlns='" + NS + "'/>")))
          .isEqualTo(StanzaErrorCondition.FORBIDDEN);
    }
  }

  @Test
  void prefsAreReadAndWritten() throws Exception {
    try (ScriptedClient c = login("carol")) {
      Element initial = iq(c, "get", null, "<prefs xmlns='" + NS + "'/>").iq().child("prefs", NS);
      assertThat(initial.attr("default")).isEqualTo("always");
      assertThat(initial.child("always", NS).elements()).isEmpty();
      assertThat(initial.child("never", NS).elements()).isEmpty();

      Element set =
          iq(
                  c,
                  "set",
                  null,
                  "<prefs xmlns='"
                      + NS
                      + "' default='roster'><always><jid>bob@localhost</jid></always>"
                      + "<never><jid>dave@localhost</jid><jid>alice@localhost</jid></never></prefs>")
              .iq()
              .child("prefs", NS);
      assertThat(set.attr("default")).isEqualTo("roster");
      assertThat(set.child("never", NS).elements())
          .extracting(Element::text)
          .containsExactly("alice@localhost", "dave@localhost");

      Page bad = iq(c, "set", null, "<prefs xmlns='" + NS + "' default='sometimes'/>");
      assertThat(error(bad)).isEqualTo(StanzaErrorCondition.BAD_REQUEST);
    }
    // stored: a new session (and a new user actor state, had it gone) sees them
    try (ScriptedClient c = login("carol")) {
      Element again = iq(c, "get", null, "<prefs xmlns='" + NS + "'/>").iq().child("prefs", NS);
      assertThat(again.attr("default")).isEqualTo("roster");
      assertThat(again.child("always", NS).elements())
          .extracting(Element::text)
          .containsExactly("bob@localhost");
    }
  }

  // ---- a real client ----

  @Test
  void smackPagesThroughTheArchive() throws Exception {
    XMPPTCPConnection c = Smack.login(server, "dave", "pw-dave");
    try {
      MamManager mam = MamManager.getInstanceFor(c);
      assertThat(mam.isSupported()).isTrue();
      assertThat(
              ServiceDiscoveryManager.getInstanceFor(c)
                  .discoverInfo(c.getUser().asBareJid())
                  .getFeatures())
          .extracting(DiscoverInfo.Feature::getVar)
          .contains(NS, NS + "#extended");

      MamQuery q = mam.queryArchive(MamQueryArgs.builder().setResultPageSize(7).build());
      List<String> bodies = new ArrayList<>(bodies(q.getMessages()));
      while (!q.isComplete()) {
        bodies.addAll(bodies(q.pageNext(7)));
      }
      assertThat(bodies)
          .isEqualTo(IntStream.rangeClosed(1, 25).mapToObj(n -> "message " + n).toList());

      MamQuery recent = mam.queryMostRecentPage(JidCreate.bareFrom("carol@localhost"), 3);
      assertThat(bodies(recent.getMessages()))
          .containsExactly("message 18", "message 21", "message 24");
      assertThat(recent.isComplete()).isFalse();
      assertThat(bodies(recent.pagePrevious(3)))
          .containsExactly("message 9", "message 12", "message 15");

      MamQuery lastOfAll = mam.queryArchive(MamQueryArgs.builder().queryLastPage().build());
      assertThat(bodies(lastOfAll.getMessages())).hasSize(MAX_PAGE).last().isEqualTo("message 25");

      assertThat(mam.retrieveFormFields())
          .extracting(f -> f.getFieldName())
          .contains("with", "start", "end", "after-id", "before-id", "ids");

      MamPrefs prefs = mam.retrieveArchivingPreferences().asMamPrefs();
      assertThat(prefs.getDefaultBehavior()).isEqualTo(DefaultBehavior.always);
      prefs.setDefaultBehavior(DefaultBehavior.roster);
      prefs.getNeverJids().add(JidCreate.bareFrom("carol@localhost"));
      MamPrefs updated = mam.updateArchivingPreferences(prefs).asMamPrefs();
      assertThat(updated.getDefaultBehavior()).isEqualTo(DefaultBehavior.roster);
      assertThat(updated.getNeverJids())
          .extracting(Object::toString)
          .containsExactly("carol@localhost");
    } finally {
      c.disconnect();
    }
  }

  static List<String> bodies(List<Message> messages) {
    return messages.stream().map(Message::getBody).toList();
  }
}
