package dev.switchboard.server.mod.roster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.server.account.JdbcAccountStore;
import dev.switchboard.server.auth.Passwords;
import dev.switchboard.server.store.Database;
import dev.switchboard.xmpp.Jid;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The roster store's behaviour, run against every database. */
abstract class RosterStoreContract {
  static final Jid ALICE = Jid.parse("alice@example.org");
  static final Jid BOB = Jid.parse("bob@example.org");
  static final Jid CAROL = Jid.parse("carol@example.net");

  Database db;
  RosterStore store;

  abstract Database open() throws Exception;

  void cleanUp() throws Exception {}

  @BeforeEach
  void setUp() throws Exception {
    db = open();
    JdbcAccountStore accounts = new JdbcAccountStore(db);
    accounts.create(ALICE, Passwords.derive("pw", 4096));
    accounts.create(BOB, Passwords.derive("pw", 4096));
    store = new JdbcRosterStore(db);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (db != null) { // null when open() failed or skipped the test
      db.close();
    }
    cleanUp();
  }

  @Test
  void emptyRoster() {
    Roster r = store.load(ALICE);
    assertThat(r.items()).isEmpty();
    assertThat(r.version()).isZero();
    assertThat(r.pendingIn()).isEmpty();
  }

  @Test
  void itemsWithGroupsAndStateSurviveAReload() {
    RosterItem bob =
        new RosterItem(
            BOB, "Bob \"the builder\" <b>", Set.of("Friends", "Работа"), true, false, true, false);
    RosterItem carol = new RosterItem(CAROL, null, Set.of(), false, true, false, true);
    store.put(ALICE, bob, 1);
    store.put(ALICE, carol, 2);
    Roster r = store.load(ALICE);
    assertThat(r.version()).isEqualTo(2);
    assertThat(r.get(BOB)).isEqualTo(bob);
    assertThat(r.get(CAROL)).isEqualTo(carol);
    assertThat(store.load(BOB).items()).isEmpty();
  }

  @Test
  void putReplacesAndRemoveDeletes() {
    store.put(ALICE, new RosterItem(BOB, "B", Set.of("A", "B"), false, false, false, false), 1);
    RosterItem updated = new RosterItem(BOB, "Bobby", Set.of("C"), true, true, false, false);
    store.put(ALICE, updated, 2);
    assertThat(store.load(ALICE).get(BOB)).isEqualTo(updated);
    store.remove(ALICE, BOB, 3);
    Roster r = store.load(ALICE);
    assertThat(r.get(BOB)).isNull();
    assertThat(r.version()).isEqualTo(3);
  }

  @Test
  void pendingSubscriptionRequests() {
    store.putPendingIn(ALICE, CAROL, "<presence type='subscribe'/>");
    store.putPendingIn(ALICE, CAROL, "<presence type='subscribe'><status>hi</status></presence>");
    assertThat(store.load(ALICE).pendingIn())
        .containsExactly(
            java.util.Map.entry(
                CAROL, "<presence type='subscribe'><status>hi</status></presence>"));
    store.removePendingIn(ALICE, CAROL);
    assertThat(store.load(ALICE).pendingIn()).isEmpty();
  }

  @Test
  void removingTheAccountRemovesItsRoster() {
    store.put(ALICE, RosterItem.of(BOB), 1);
    store.putPendingIn(ALICE, CAROL, "<presence type='subscribe'/>");
    new JdbcAccountStore(db).remove(ALICE);
    Roster r = store.load(ALICE);
    assertThat(r.items()).isEmpty();
    assertThat(r.pendingIn()).isEmpty();
  }
}
