package dev.switchboard.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.roster.rosterstore.DirectoryRosterStore;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

/** RFC 6121 section 2: roster get, set, remove, pushes, versioning and the errors of a set. */
class RosterTest {
  static TestServer server;
  static final String NS = Peer.ROSTER;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    for (String u : List.of("ra", "rb", "rc", "rd", "re", "rf", "rg", "rh")) {
      server.createAccount(u, "pw");
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Jid jid(String user) {
    return Jid.bare(user, TestServer.DOMAIN);
  }

  static String set(String id, String item) {
    return "<iq type='set' id='" + id + "'><query xmlns='" + NS + "'>" + item + "</query></iq>";
  }

  static Element query(Element iq) {
    return iq.child("query", NS);
  }

  static List<String> groups(Element item) {
    return item.elements().stream().filter(g -> g.is("group", NS)).map(Element::text).toList();
  }

  @Test
  void setIsAnsweredAndPushedToEveryResourceThatFetchedTheRoster() throws Exception {
    Jid contact = jid("contact-a");
    try (Peer one = Peer.login(server, "ra", "one");
        Peer two = Peer.login(server, "ra", "two");
        Peer quiet = Peer.login(server, "ra", "quiet")) {
      Element empty = query(one.rosterGet());
      assertThat(empty.attr("ver")).isNotNull();
      assertThat(empty.elements()).isEmpty();
      two.rosterGet();

      String id = Peer.nextId();
      Element result =
          one.iq(
              id, set(id, "<item jid='" + contact + "' name='Friend'><group>Pals</group></item>"));
      assertThat(result.attr("type")).isEqualTo("result");
      assertThat(result.elements()).isEmpty();

      for (Peer p : List.of(one, two)) {
        Element push = p.expect("a roster push", e -> Peer.isPush(e, contact));
        // RFC 6121 2.1.6: a push comes from the account itself (no 'from' or the bare JID)
        assertThat(push.attr("from")).isIn(null, "ra@localhost");
        assertThat(push.attr("id")).isNotBlank();
        Element q = query(push);
        assertThat(q.attr("ver")).isNotEqualTo(empty.attr("ver"));
        Element item = q.child("item", NS);
        assertThat(item.attr("name")).isEqualTo("Friend");
        assertThat(item.attr("subscription")).isEqualTo("none");
        assertThat(item.attr("ask")).isNull();
        assertThat(groups(item)).containsExactly("Pals");
      }
      // the resource that never fetched the roster gets no push
      one.sync();
      assertThat(quiet.sync()).noneMatch(e -> Peer.isPush(e, contact));

      Element items = query(quiet.rosterGet());
      assertThat(items.elements()).hasSize(1);
      assertThat(items.elements().get(0).attr("jid")).isEqualTo(contact.toString());
      assertThat(items.elements().get(0).attr("name")).isEqualTo("Friend");
    }
  }

  @Test
  void updateReplacesNameAndGroupsAndRemoveDeletesTheItem() throws Exception {
    Jid contact = jid("contact-b");
    try (Peer p = Peer.login(server, "rb", "r")) {
      p.rosterGet();
      String id = Peer.nextId();
      p.iq(id, set(id, "<item jid='" + contact + "' name='Old'><group>A</group></item>"));
      p.push(contact);

      // the same contact in other letter case; the client's subscription, ask and approved are
      // not the client's to set (RFC 6121 2.1.2) and are ignored
      id = Peer.nextId();
      Element r =
          p.iq(
              id,
              set(
                  id,
                  "<item jid='Contact-B@LocalHost' name='New' subscription='both' ask='subscribe'"
                      + " approved='true'><group>B</group><group>C</group></item>"));
      assertThat(r.attr("type")).isEqualTo("result");
      Element updated = p.push(contact);
      assertThat(updated.attr("name")).isEqualTo("New");
      assertThat(groups(updated)).containsExactlyInAnyOrder("B", "C");
      assertThat(updated.attr("subscription")).isEqualTo("none");
      assertThat(updated.attr("ask")).isNull();
      assertThat(updated.attr("approved")).isNull();
      assertThat(query(p.rosterGet()).elements()).hasSize(1);

      id = Peer.nextId();
      r = p.iq(id, set(id, "<item jid='" + contact + "' subscription='remove'/>"));
      assertThat(r.attr("type")).isEqualTo("result");
      Element removed = p.push(contact);
      assertThat(removed.attr("subscription")).isEqualTo("remove");
      assertThat(query(p.rosterGet()).elements()).isEmpty();
    }
  }

  @Test
  void versioningAnswersAnUnchangedRosterWithAnEmptyResult() throws Exception {
    Jid contact = jid("contact-c");
    try (Peer p = Peer.login(server, "rc", "r")) {
      String v0 = query(p.rosterGet()).attr("ver");

      String id = Peer.nextId();
      Element same =
          p.iq(
              id,
              "<iq type='get' id='" + id + "'><query xmlns='" + NS + "' ver='" + v0 + "'/></iq>");
      assertThat(same.attr("type")).isEqualTo("result");
      assertThat(same.elements()).as("RFC 6121 2.6.3: empty result").isEmpty();

      id = Peer.nextId();
      p.iq(id, set(id, "<item jid='" + contact + "'/>"));
      Element push = p.expect("push", e -> Peer.isPush(e, contact));
      String v1 = query(push).attr("ver");
      assertThat(v1).isNotNull().isNotEqualTo(v0);

      id = Peer.nextId();
      Element current =
          p.iq(
              id,
              "<iq type='get' id='" + id + "'><query xmlns='" + NS + "' ver='" + v1 + "'/></iq>");
      assertThat(current.elements()).isEmpty();

      id = Peer.nextId();
      Element stale =
          p.iq(
              id,
              "<iq type='get' id='" + id + "'><query xmlns='" + NS + "' ver='" + v0 + "'/></iq>");
      assertThat(query(stale).attr("ver")).isEqualTo(v1);
      assertThat(query(stale).elements())
          .extracting(i -> i.attr("jid"))
          .contains(contact.toString());

      // a client without a cached copy sends ver='' and gets the whole roster
      id = Peer.nextId();
      Element fresh =
          p.iq(id, "<iq type='get' id='" + id + "'><query xmlns='" + NS + "' ver=''/></iq>");
      assertThat(query(fresh).elements()).hasSize(1);
    }
  }

  @Test
  void rosterAndVersionSurviveARestart() throws Exception {
    String name = "Ünïcödé & <friends> 'quoted' \"too\" 😀";
    String group = "Grüppe & <co>";
    String ver;
    try (Peer p = Peer.login(server, "rg", "r")) {
      p.rosterGet();
      String id = Peer.nextId();
      p.iq(
          id,
          set(
              id,
              "<item jid='contact-g@localhost' name='"
                  + escape(name)
                  + "'><group>"
                  + escape(group)
                  + "</group><group>Other</group></item>"));
      ver = query(p.expect("push", e -> Peer.isPush(e, jid("contact-g")))).attr("ver");
    }
    server.restart();
    try (Peer p = Peer.login(server, "rg", "r")) {
      String id = Peer.nextId();
      Element same =
          p.iq(
              id,
              "<iq type='get' id='" + id + "'><query xmlns='" + NS + "' ver='" + ver + "'/></iq>");
      assertThat(same.elements()).as("the version is stored with the roster").isEmpty();
      Element q = query(p.rosterGet());
      assertThat(q.attr("ver")).isEqualTo(ver);
      Element item = q.elements().get(0);
      assertThat(item.attr("name")).isEqualTo(name);
      assertThat(groups(item)).containsExactlyInAnyOrder(group, "Other");
    }
  }

  /** Smack 4.4 with a roster store sends ver at login and must be able to keep its copy. */
  @Test
  void smackKeepsItsCachedRosterWhileTheVersionIsCurrent(@TempDir Path dir) throws Exception {
    DirectoryRosterStore store = DirectoryRosterStore.init(dir.toFile());
    BareJid contact = JidCreate.bareFrom("contact-h@localhost");
    XMPPTCPConnection first = smackWithStore(store);
    try {
      Roster.getInstanceFor(first).createItem(contact, "Server name", null);
      await().atMost(Duration.ofSeconds(10)).until(() -> store.getEntry(contact) != null);
    } finally {
      first.disconnect();
    }
    String ver = store.getRosterVersion();
    assertThat(ver).isNotEmpty();
    // doctor the cached copy: a full roster from the server would overwrite this name
    store.addEntry(new RosterPacket.Item(contact, "Cached name"), ver);
    XMPPTCPConnection second = smackWithStore(store);
    try {
      assertThat(Roster.getInstanceFor(second).getEntry(contact).getName())
          .isEqualTo("Cached name");
    } finally {
      second.disconnect();
    }
    // a change made elsewhere moves the version on, and the next login gets the whole roster
    try (Peer p = Peer.login(server, "rh", "elsewhere")) {
      String id = Peer.nextId();
      p.iq(id, set(id, "<item jid='contact-i@localhost' name='New'/>"));
    }
    XMPPTCPConnection third = smackWithStore(store);
    try {
      Roster roster = Roster.getInstanceFor(third);
      assertThat(roster.getEntry(contact).getName()).isEqualTo("Server name");
      assertThat(roster.getEntry(JidCreate.bareFrom("contact-i@localhost")).getName())
          .isEqualTo("New");
      assertThat(store.getRosterVersion()).isNotEqualTo(ver);
    } finally {
      third.disconnect();
    }
  }

  static XMPPTCPConnection smackWithStore(DirectoryRosterStore store) throws Exception {
    XMPPTCPConnection c = new XMPPTCPConnection(Smack.config(server, "rh", "pw").build());
    Roster roster = Roster.getInstanceFor(c);
    roster.setRosterStore(store);
    c.connect().login();
    await().atMost(Duration.ofSeconds(10)).until(roster::isLoaded);
    return c;
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&apos;")
        .replace("\"", "&quot;");
  }

  @Test
  void invalidSetsAreRefusedAndChangeNothing() throws Exception {
    try (Peer p = Peer.login(server, "rd", "r")) {
      String ver = query(p.rosterGet()).attr("ver");
      String longName = "n".repeat(3000);
      String[][] cases = {
        {"<item jid='x1@localhost'><group>G</group><group>G</group></item>", "bad-request"},
        {"<item jid='x2@localhost' name='" + longName + "'/>", "not-acceptable"},
        {
          "<item jid='x3@localhost' name='" + longName + "'><group>G</group></item>",
          "not-acceptable"
        },
        {"<item jid='x4@localhost'><group></group></item>", "not-acceptable"},
        {"<item jid='x5@localhost'/><item jid='x6@localhost'/>", "bad-request"},
        {"", "bad-request"},
        {"<item jid='unknown@localhost' subscription='remove'/>", "item-not-found"},
      };
      for (String[] c : cases) {
        String id = Peer.nextId();
        Element r = p.iq(id, set(id, c[0]));
        String what = c[0].length() > 100 ? c[0].substring(0, 100) + "..." : c[0];
        assertThat(r.attr("type")).as(what).isEqualTo("error");
        assertThat(Peer.errorCondition(r)).as(what).isEqualTo(c[1]);
      }
      assertThat(p.sync()).noneMatch(e -> e.name().equals("iq"));
      assertThat(query(p.rosterGet()).attr("ver")).isEqualTo(ver);
      assertThat(query(p.rosterGet()).elements()).isEmpty();
    }
  }

  @Test
  void anotherUsersRosterIsForbidden() throws Exception {
    try (Peer owner = Peer.login(server, "re", "r");
        Peer other = Peer.login(server, "rf", "r")) {
      owner.rosterGet();
      String id = Peer.nextId();
      Element get =
          other.iq(
              id,
              "<iq type='get' id='" + id + "' to='re@localhost'><query xmlns='" + NS + "'/></iq>");
      assertThat(get.attr("type")).isEqualTo("error");
      assertThat(Peer.errorCondition(get)).isEqualTo("forbidden");

      id = Peer.nextId();
      Element set =
          other.iq(
              id,
              "<iq type='set' id='"
                  + id
                  + "' to='re@localhost'><query xmlns='"
                  + NS
                  + "'><item jid='intruder@localhost'/></query></iq>");
      assertThat(set.attr("type")).isEqualTo("error");
      assertThat(Peer.errorCondition(set)).isEqualTo("forbidden");

      // nothing reached the owner and the roster is untouched
      other.sync(owner.bare());
      assertThat(owner.sync()).noneMatch(e -> e.name().equals("iq"));
      assertThat(query(owner.rosterGet()).elements()).isEmpty();
    }
  }
}
