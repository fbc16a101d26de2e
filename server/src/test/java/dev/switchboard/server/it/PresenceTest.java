package dev.switchboard.server.it;

import static dev.switchboard.server.it.Peer.befriend;
import static dev.switchboard.server.it.Peer.settle;
import static dev.switchboard.server.it.Peer.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RFC 6121 section 4: initial presence and probes, broadcast to subscribers only, the account's own
 * resources, directed presence, unavailable presence however a session ends, and probes from
 * strangers.
 */
class PresenceTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    for (String u :
        List.of(
            "pa-user",
            "pa-online",
            "pa-offline",
            "pb-user",
            "pb-from",
            "pb-both",
            "pb-to",
            "pb-none",
            "pc-user",
            "pd-user",
            "pd-stranger",
            "pe-user",
            "pe-from",
            "pf-user",
            "pf-from",
            "pf-to")) {
      server.createAccount(u, "pw");
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String status(Element presence) {
    return presence.childText("status", presence.namespace());
  }

  /** True for available presence from exactly this full JID. */
  static boolean availableFrom(Element e, Jid full) {
    return Peer.isPresence(e, null, full) && full.toString().equals(e.attr("from"));
  }

  @Test
  void initialPresenceIsAnsweredWithContactsCurrentPresence() throws Exception {
    try (Peer u = Peer.online(server, "pa-user", "first");
        Peer on = Peer.online(server, "pa-online", "desk");
        Peer off = Peer.online(server, "pa-offline", "gone")) {
      subscribe(u, on);
      subscribe(u, off);
      on.send("<presence><show>dnd</show><status>busy</status></presence>");
      off.send("<presence type='unavailable'/>");
      settle(u, on, off);
    }
    try (Peer on = Peer.online(server, "pa-online", "desk2")) {
      on.send("<presence><show>dnd</show><status>busy</status></presence>");
      on.sync();
      // a new session's initial presence makes the server probe the contacts (RFC 6121 4.2.2)
      try (Peer u = Peer.login(server, "pa-user", "second")) {
        u.send("<presence/>");
        Element p = u.expect("the online contact's presence", e -> availableFrom(e, on.jid));
        assertThat(status(p)).isEqualTo("busy");
        assertThat(p.childText("show", p.namespace())).isEqualTo("dnd");
        // an offline contact is reported unavailable (RFC 6121 4.3.2, SHOULD)
        Jid offline = Jid.bare("pa-offline", TestServer.DOMAIN);
        u.presence("unavailable", offline);
      }
    }
  }

  @Test
  void broadcastReachesFromAndBothButNotToOrNone() throws Exception {
    try (Peer u = Peer.online(server, "pb-user", "u");
        Peer from = Peer.online(server, "pb-from", "r");
        Peer both = Peer.online(server, "pb-both", "r");
        Peer to = Peer.online(server, "pb-to", "r");
        Peer none = Peer.online(server, "pb-none", "r")) {
      subscribe(from, u); // u's item: from
      befriend(u, both); // both
      subscribe(u, to); // u's item: to
      String id = Peer.nextId();
      u.iq(
          id,
          "<iq type='set' id='"
              + id
              + "'><query xmlns='jabber:iq:roster'><item jid='"
              + none.bare()
              + "'/></query></iq>");
      settle(u, from, both, to, none);

      u.send("<presence><status>broadcast</status></presence>");
      for (Peer p : List.of(from, both)) {
        Element got = p.expect("u's presence", e -> availableFrom(e, u.jid));
        assertThat(status(got)).isEqualTo("broadcast");
      }
      u.sync();
      for (Peer p : List.of(to, none)) {
        assertThat(p.sync()).as(p.jid.toString()).noneMatch(e -> Peer.isPresence(e, null, u.jid));
      }

      // and the same for unavailable presence
      u.send("<presence type='unavailable'><status>bye</status></presence>");
      for (Peer p : List.of(from, both)) {
        assertThat(status(p.presence("unavailable", u.jid))).isEqualTo("bye");
      }
      u.sync();
      for (Peer p : List.of(to, none)) {
        assertThat(p.sync()).noneMatch(e -> Peer.isPresence(e, "unavailable", u.jid));
      }
    }
  }

  @Test
  void theAccountsOwnResourcesSeeEachOther() throws Exception {
    try (Peer one = Peer.online(server, "pc-user", "one");
        Peer quiet = Peer.login(server, "pc-user", "quiet");
        Peer two = Peer.online(server, "pc-user", "two")) {
      // the newcomer is shown to the others and the others to the newcomer
      assertThat(status(one.expect("two's presence", e -> availableFrom(e, two.jid)))).isNull();
      two.expect("one's presence", e -> availableFrom(e, one.jid));

      two.send("<presence><status>second</status></presence>");
      assertThat(status(one.expect("update", e -> availableFrom(e, two.jid)))).isEqualTo("second");
      two.send("<presence type='unavailable'/>");
      one.presence("unavailable", two.jid);

      // a resource that never sent initial presence sees none of it
      two.sync();
      assertThat(quiet.sync()).noneMatch(Peer::isPresence);
    }
  }

  @Test
  void directedPresenceIsFollowedByUnavailableAtDisconnect() throws Exception {
    try (Peer stranger = Peer.online(server, "pd-stranger", "s")) {
      try (Peer u = Peer.online(server, "pd-user", "u")) {
        u.send("<presence to='" + stranger.jid + "'><status>just for you</status></presence>");
        Element p = stranger.expect("directed presence", e -> availableFrom(e, u.jid));
        assertThat(status(p)).isEqualTo("just for you");
        // a broadcast does not reach the stranger, who is no subscriber
        u.send("<presence><status>everyone</status></presence>");
        u.sync(stranger.bare());
        assertThat(stranger.sync()).noneMatch(e -> Peer.isPresence(e, null, u.jid));
        u.logout(); // closes the stream without sending unavailable presence
      }
      Element gone = stranger.presence("unavailable", Jid.bare("pd-user", TestServer.DOMAIN));
      assertThat(gone.attr("from")).isEqualTo("pd-user@localhost/u");
    }
  }

  @Test
  void directedPresenceWithoutInitialPresenceIsAlsoEndedAtDisconnect() throws Exception {
    try (Peer stranger = Peer.online(server, "pd-stranger", "s2")) {
      Peer u = Peer.login(server, "pd-user", "lurker"); // never broadcasts presence
      u.send("<presence to='" + stranger.jid + "'/>");
      stranger.expect("directed presence", e -> availableFrom(e, u.jid));
      u.drop();
      Element gone = stranger.presence("unavailable", u.jid);
      assertThat(gone.attr("from")).isEqualTo(u.jid.toString());
    }
    // and when it says unavailable itself, the recipient hears it once, not again at disconnect
    try (Peer stranger = Peer.online(server, "pd-stranger", "s3")) {
      try (Peer u = Peer.login(server, "pd-user", "lurker2")) {
        u.send("<presence to='" + stranger.jid + "'/>");
        stranger.expect("directed presence", e -> availableFrom(e, u.jid));
        u.send("<presence type='unavailable'/>");
        stranger.presence("unavailable", u.jid);
        u.logout();
      }
      stranger.sync(Jid.bare("pd-user", TestServer.DOMAIN));
      assertThat(stranger.sync()).noneMatch(Peer::isPresence);
    }
  }

  @Test
  void droppedConnectionBroadcastsUnavailable() throws Exception {
    try (Peer from = Peer.online(server, "pe-from", "r");
        Peer other = Peer.online(server, "pe-user", "other")) {
      Peer u = Peer.online(server, "pe-user", "dropped");
      subscribe(from, u);
      u.drop(); // TCP close, no unavailable presence, no stream close
      assertThat(from.presence("unavailable", u.jid).attr("from")).isEqualTo(u.jid.toString());
      Element own =
          other.expect(
              "unavailable from the dropped resource",
              e ->
                  Peer.isPresence(e, "unavailable", u.jid)
                      && u.jid.toString().equals(e.attr("from")));
      assertThat(own).isNotNull();
    }
  }

  @Test
  void probesAreAnsweredOnlyForSubscribers() throws Exception {
    try (Peer u = Peer.online(server, "pf-user", "u");
        Peer from = Peer.online(server, "pf-from", "r");
        Peer to = Peer.online(server, "pf-to", "r")) {
      subscribe(from, u); // from may see u's presence
      subscribe(u, to); // to may not: u only sees to's
      u.send("<presence><status>here</status></presence>");
      settle(u, from, to);

      from.send("<presence type='probe' to='" + u.bare() + "'/>");
      assertThat(status(from.expect("probe answer", e -> availableFrom(e, u.jid))))
          .isEqualTo("here");

      to.send("<presence type='probe' to='" + u.bare() + "'/>");
      assertThat(to.sync(u.bare())).noneMatch(Peer::isPresence);
    }
  }
}
