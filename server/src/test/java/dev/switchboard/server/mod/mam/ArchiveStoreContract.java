package dev.switchboard.server.mod.mam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.server.account.JdbcAccountStore;
import dev.switchboard.server.auth.Passwords;
import dev.switchboard.server.auth.StoredCredentials;
import dev.switchboard.server.store.Database;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.Namespaces;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ArchiveStore} backend must do; one subclass per database. */
abstract class ArchiveStoreContract {
  static final Jid ALICE = Jid.parse("alice@example.org");
  static final Jid BOB = Jid.parse("bob@example.org");
  static final Jid CAROL = Jid.parse("carol@example.org");
  static final Instant T0 = Instant.parse("2024-03-01T12:00:00Z");

  private static StoredCredentials credentials;

  private Database db;
  private JdbcAccountStore accounts;
  private ArchiveStore store;

  /** A freshly migrated, empty database. */
  protected abstract Database openDatabase() throws Exception;

  /** Called after the database is closed. */
  protected void cleanUp() throws Exception {}

  @BeforeAll
  static void deriveCredentials() {
    credentials = Passwords.derive("secret", 4096);
  }

  @BeforeEach
  void openStore() throws Exception {
    db = openDatabase();
    accounts = new JdbcAccountStore(db);
    for (Jid j : List.of(ALICE, BOB, CAROL)) {
      accounts.create(j, credentials);
    }
    store = new JdbcArchiveStore(db, 5);
  }

  @AfterEach
  void closeStore() throws Exception {
    if (db != null) {
      db.close();
    }
    cleanUp();
  }

  /** The n-th archive id: StanzaIds' encoding, so ids mix digits and letters. */
  static String id(int n) {
    return StanzaIds.encode(((long) n << 20) + 31);
  }

  static Element chat(Jid from, Jid to, String body) {
    return Element.builder("message", Namespaces.CLIENT)
        .attr("from", from.toString())
        .attr("to", to.toString())
        .attr("type", "chat")
        .attr("id", "m-" + body)
        .child(Element.builder("body", Namespaces.CLIENT).text(body).build())
        .build();
  }

  /** Message n of alice's archive: with bob (resource phone or laptop) or carol, a minute apart. */
  static ArchivedMessage message(int n) {
    Jid peer =
        n % 3 == 0 ? CAROL.withResource("desk") : BOB.withResource(n % 2 == 0 ? "phone" : "laptop");
    boolean outgoing = n % 2 == 0;
    Jid me = ALICE.withResource("home");
    return new ArchivedMessage(
        id(n),
        ALICE,
        peer.toBare(),
        outgoing,
        T0.plusSeconds(60L * n),
        "origin-" + n,
        outgoing ? chat(me, peer, "msg " + n) : chat(peer, me, "msg " + n));
  }

  /** Alice's archive with messages 1..n, committed in one transaction. */
  private void seed(int n) {
    db.inTransaction(
        c -> {
          store.appendAll(c, IntStream.rangeClosed(1, n).mapToObj(i -> message(i)).toList());
          return null;
        });
  }

  private static ArchiveQuery q(int max) {
    return new ArchiveQuery(null, null, null, null, null, null, max, false);
  }

  private static List<String> ids(ArchivePage p) {
    return p.messages().stream().map(ArchivedMessage::id).toList();
  }

  private static List<String> ids(int... ns) {
    return IntStream.of(ns).mapToObj(ArchiveStoreContract::id).toList();
  }

  @Test
  void messagesComeBackAsStored() {
    seed(2);
    ArchivePage page = store.query(ALICE, q(5));
    assertThat(page.messages()).containsExactly(message(1), message(2));
    assertThat(page.complete()).isTrue();
    assertThat(page.count()).isEqualTo(2);
    assertThat(page.firstIndex()).isZero();
  }

  @Test
  void timestampsKeepMicroseconds() {
    Instant t = Instant.parse("2024-03-01T12:00:00.123456Z");
    ArchivedMessage m =
        new ArchivedMessage(id(1), ALICE, BOB, true, t, null, chat(ALICE, BOB, "precise"));
    db.inTransaction(
        c -> {
          store.append(c, m);
          return null;
        });
    ArchivedMessage back = store.query(ALICE, q(1)).messages().get(0);
    assertThat(back.timestamp()).isEqualTo(t);
    assertThat(back.originId()).isNull();
  }

  @Test
  void aResendIsRefusedByItsKeyWithoutAReadFirst() {
    Element msg = chat(BOB, ALICE, "once");
    ArchivedMessage first = new ArchivedMessage(id(1), ALICE, BOB, false, T0, "key-1", msg);
    ArchivedMessage again =
        new ArchivedMessage(id(2), ALICE, BOB, false, T0.plusSeconds(1), "key-1", msg);
    ArchivedMessage otherDirection =
        new ArchivedMessage(id(3), ALICE, BOB, true, T0.plusSeconds(2), "key-1", msg);
    ArchivedMessage otherParty =
        new ArchivedMessage(id(4), ALICE, CAROL, false, T0.plusSeconds(3), "key-1", msg);
    ArchivedMessage noKey =
        new ArchivedMessage(id(5), ALICE, BOB, false, T0.plusSeconds(4), null, msg);
    ArchivedMessage noKeyAgain =
        new ArchivedMessage(id(6), ALICE, BOB, false, T0.plusSeconds(5), null, msg);
    List<Boolean> added = new java.util.ArrayList<>();
    db.inTransaction(
        c -> {
          for (ArchivedMessage m :
              List.of(first, again, otherDirection, otherParty, noKey, noKeyAgain)) {
            added.add(store.appendIfNew(c, m));
          }
          return null;
        });
    assertThat(added).containsExactly(true, false, true, true, true, true);
    assertThat(ids(store.query(ALICE, q(10)))).containsExactly(id(1), id(3), id(4), id(5), id(6));
  }

  @Test
  void appendLeavesTheTransactionToTheCaller() throws SQLException {
    db.withConnection(
        c -> {
          c.setAutoCommit(false);
          try {
            store.append(c, message(1));
            store.append(c, message(2));
            c.rollback();
          } finally {
            c.setAutoCommit(true);
          }
          return null;
        });
    assertThat(store.query(ALICE, q(5)).messages()).isEmpty();
    db.inTransaction(
        c -> {
          store.append(c, message(1));
          return null;
        });
    assertThat(ids(store.query(ALICE, q(5)))).containsExactly(id(1));
  }

  @Test
  void pagesForwardWithAfter() {
    seed(12);
    ArchivePage p1 = store.query(ALICE, q(5));
    assertThat(ids(p1)).isEqualTo(ids(1, 2, 3, 4, 5));
    assertThat(p1.complete()).isFalse();
    assertThat(p1.count()).isEqualTo(12);
    assertThat(p1.firstIndex()).isZero();

    ArchivePage p2 = store.query(ALICE, after(id(5), 5));
    assertThat(ids(p2)).isEqualTo(ids(6, 7, 8, 9, 10));
    assertThat(p2.complete()).isFalse();
    assertThat(p2.count()).isEqualTo(12);
    assertThat(p2.firstIndex()).isEqualTo(5);

    ArchivePage p3 = store.query(ALICE, after(id(10), 5));
    assertThat(ids(p3)).isEqualTo(ids(11, 12));
    assertThat(p3.complete()).isTrue();
    assertThat(p3.firstIndex()).isEqualTo(10);

    ArchivePage end = store.query(ALICE, after(id(12), 5));
    assertThat(end.messages()).isEmpty();
    assertThat(end.complete()).isTrue();
    assertThat(end.count()).isEqualTo(12);
  }

  @Test
  void aPageThatEndsExactlyAtTheLastMessageIsComplete() {
    seed(10);
    assertThat(store.query(ALICE, after(id(5), 5)).complete()).isTrue();
    assertThat(store.query(ALICE, before(id(6), 5)).complete()).isTrue();
  }

  @Test
  void pagesBackwardFromTheEnd() {
    seed(12);
    ArchivePage last = store.query(ALICE, before(null, 5));
    assertThat(ids(last)).as("still in archive order").isEqualTo(ids(8, 9, 10, 11, 12));
    assertThat(last.complete()).isFalse();
    assertThat(last.count()).isEqualTo(12);
    assertThat(last.firstIndex()).isEqualTo(7);

    ArchivePage p2 = store.query(ALICE, before(id(8), 5));
    assertThat(ids(p2)).isEqualTo(ids(3, 4, 5, 6, 7));
    assertThat(p2.complete()).isFalse();
    assertThat(p2.firstIndex()).isEqualTo(2);

    ArchivePage p3 = store.query(ALICE, before(id(3), 5));
    assertThat(ids(p3)).isEqualTo(ids(1, 2));
    assertThat(p3.complete()).isTrue();
    assertThat(p3.firstIndex()).isZero();
  }

  @Test
  void beforeIdWithoutFromEndTakesTheFirstPage() {
    seed(12);
    ArchivePage p =
        store.query(ALICE, new ArchiveQuery(null, null, null, null, id(10), null, 5, false));
    assertThat(ids(p)).isEqualTo(ids(1, 2, 3, 4, 5));
    assertThat(p.complete()).isFalse();
  }

  @Test
  void afterAndBeforeTogetherBoundARange() {
    seed(12);
    ArchivePage p =
        store.query(ALICE, new ArchiveQuery(null, null, null, id(3), id(7), null, 5, false));
    assertThat(ids(p)).isEqualTo(ids(4, 5, 6));
    assertThat(p.complete()).isTrue();
    assertThat(p.firstIndex()).isEqualTo(3);
    ArchivePage back =
        store.query(ALICE, new ArchiveQuery(null, null, null, id(3), id(12), null, 2, true));
    assertThat(ids(back)).isEqualTo(ids(10, 11));
    assertThat(back.complete()).isFalse();
  }

  @Test
  void bareWithMatchesEveryResourceAndFullWithOnlyOne() {
    seed(12);
    ArchivePage bob = store.query(ALICE, with(BOB, 5));
    // bob has the messages not divisible by 3: 1 2 4 5 7 8 10 11
    assertThat(ids(bob)).isEqualTo(ids(1, 2, 4, 5, 7));
    assertThat(bob.count()).isEqualTo(8);
    assertThat(bob.complete()).isFalse();
    ArchivePage next =
        store.query(ALICE, new ArchiveQuery(BOB, null, null, id(7), null, null, 5, false));
    assertThat(ids(next)).isEqualTo(ids(8, 10, 11));
    assertThat(next.firstIndex()).isEqualTo(5);
    assertThat(next.complete()).isTrue();

    ArchivePage phone = store.query(ALICE, with(BOB.withResource("phone"), 5));
    assertThat(ids(phone)).isEqualTo(ids(2, 4, 8, 10));
    assertThat(phone.count()).isEqualTo(4);
    assertThat(phone.complete()).isTrue();

    assertThat(store.query(ALICE, with(BOB.withResource("tablet"), 5)).messages()).isEmpty();
    assertThat(ids(store.query(ALICE, with(CAROL, 5)))).isEqualTo(ids(3, 6, 9, 12));
    assertThat(store.query(ALICE, with(Jid.parse("dave@example.org"), 5)).count()).isZero();
  }

  @Test
  void aFullWithGivenOnAppendIsKeptAsTheResource() {
    ArchivedMessage m =
        new ArchivedMessage(
            id(1),
            ALICE,
            BOB.withResource("car"),
            false,
            T0,
            null,
            Element.builder("message", Namespaces.CLIENT).attr("type", "chat").build());
    db.inTransaction(
        c -> {
          store.append(c, m);
          return null;
        });
    assertThat(store.query(ALICE, with(BOB.withResource("car"), 5)).count()).isEqualTo(1);
    ArchivedMessage back = store.query(ALICE, with(BOB, 5)).messages().get(0);
    assertThat(back.with()).as("with comes back bare").isEqualTo(BOB);
  }

  @Test
  void startAndEndAreInclusive() {
    seed(12);
    ArchivePage p =
        store.query(
            ALICE,
            new ArchiveQuery(
                null, T0.plusSeconds(180), T0.plusSeconds(300), null, null, null, 5, false));
    assertThat(ids(p)).isEqualTo(ids(3, 4, 5));
    assertThat(p.count()).isEqualTo(3);
    ArchivePage fromOnly =
        store.query(
            ALICE, new ArchiveQuery(null, T0.plusSeconds(601), null, null, null, null, 5, false));
    assertThat(ids(fromOnly)).isEqualTo(ids(11, 12));
    ArchivePage untilOnly =
        store.query(
            ALICE, new ArchiveQuery(null, null, T0.plusSeconds(119), null, null, null, 5, false));
    assertThat(ids(untilOnly)).isEqualTo(ids(1));
    ArchivePage nothing =
        store.query(
            ALICE,
            new ArchiveQuery(
                null, T0.plusSeconds(300), T0.plusSeconds(180), null, null, null, 5, false));
    assertThat(nothing.messages()).isEmpty();
    assertThat(nothing.complete()).isTrue();
  }

  @Test
  void filtersCombine() {
    seed(12);
    ArchivePage p =
        store.query(
            ALICE,
            new ArchiveQuery(
                BOB, T0.plusSeconds(240), T0.plusSeconds(600), null, null, null, 5, true));
    assertThat(ids(p)).isEqualTo(ids(4, 5, 7, 8, 10));
    assertThat(p.count()).isEqualTo(5);
    assertThat(p.complete()).isTrue();
    assertThat(p.firstIndex()).isZero();
  }

  @Test
  void idsSelectMessagesInArchiveOrder() {
    seed(12);
    ArchivePage p =
        store.query(
            ALICE,
            new ArchiveQuery(null, null, null, null, null, List.of(id(9), id(2), id(5)), 5, false));
    assertThat(ids(p)).isEqualTo(ids(2, 5, 9));
    assertThat(p.count()).isEqualTo(3);
    assertThat(p.complete()).isTrue();
    ArchivePage paged =
        store.query(
            ALICE,
            new ArchiveQuery(null, null, null, null, null, List.of(id(9), id(2), id(5)), 2, false));
    assertThat(ids(paged)).isEqualTo(ids(2, 5));
    assertThat(paged.complete()).isFalse();
    ArchivePage withFilter =
        store.query(ALICE, new ArchiveQuery(CAROL, null, null, null, null, ids(2, 3, 9), 5, false));
    assertThat(ids(withFilter)).isEqualTo(ids(3, 9));
  }

  @Test
  void unknownIdsAreReported() {
    seed(3);
    String bogus = id(99);
    assertThatThrownBy(() -> store.query(ALICE, after(bogus, 5)))
        .isInstanceOf(UnknownArchiveIdException.class)
        .satisfies(e -> assertThat(((UnknownArchiveIdException) e).id()).isEqualTo(bogus));
    assertThatThrownBy(() -> store.query(ALICE, before(bogus, 5)))
        .isInstanceOf(UnknownArchiveIdException.class);
    assertThatThrownBy(
            () ->
                store.query(
                    ALICE,
                    new ArchiveQuery(
                        null, null, null, null, null, List.of(id(1), bogus), 5, false)))
        .isInstanceOf(UnknownArchiveIdException.class);
    // an id is known only in its own archive
    assertThatThrownBy(() -> store.query(BOB, after(id(1), 5)))
        .isInstanceOf(UnknownArchiveIdException.class);
    // an id that exists but falls outside the filters is fine
    assertThat(store.query(ALICE, new ArchiveQuery(CAROL, null, null, id(1), null, null, 5, false)))
        .satisfies(p -> assertThat(ids(p)).isEqualTo(ids(3)));
  }

  @Test
  void archivesAreSeparatePerOwner() {
    seed(4);
    ArchivedMessage bobs =
        new ArchivedMessage(id(2), BOB, ALICE, false, T0, null, chat(ALICE, BOB, "same id"));
    db.inTransaction(
        c -> {
          store.append(c, bobs);
          return null;
        });
    assertThat(store.query(BOB, q(5)).messages()).containsExactly(bobs);
    assertThat(store.query(ALICE, q(5)).count()).isEqualTo(4);
    assertThat(store.query(CAROL, q(5)).messages()).isEmpty();
    assertThat(store.query(CAROL, q(5)).complete()).isTrue();
  }

  @Test
  void pagesAreCappedAndMaxZeroOnlyCounts() {
    seed(8);
    ArchivePage capped = store.query(ALICE, q(1000));
    assertThat(capped.messages()).hasSize(5);
    assertThat(capped.complete()).isFalse();
    ArchivePage countOnly = store.query(ALICE, q(0));
    assertThat(countOnly.messages()).isEmpty();
    assertThat(countOnly.count()).isEqualTo(8);
    assertThat(countOnly.complete()).isFalse();
    assertThat(store.query(CAROL, q(0)).complete()).isTrue();
  }

  @Test
  void idsSortAsStringsNotAsInsertionOrder() {
    List<ArchivedMessage> shuffled = new ArrayList<>();
    for (int n : new int[] {7, 1, 31, 32, 5, 1024}) {
      shuffled.add(message(n));
    }
    db.inTransaction(
        c -> {
          store.appendAll(c, shuffled);
          return null;
        });
    assertThat(ids(store.query(ALICE, q(10)))).isEqualTo(ids(1, 5, 7, 31, 32));
  }

  @Test
  void idsCompareCharacterByCharacterWhateverTheLocale() {
    // binary order: 'B' (66) < '_' (95) < 'a' (97); a locale collation would put "a1" first
    db.inTransaction(
        c -> {
          for (String id : List.of("a1", "B1", "_1")) {
            store.append(
                c, new ArchivedMessage(id, ALICE, BOB, true, T0, null, chat(ALICE, BOB, id)));
          }
          return null;
        });
    assertThat(ids(store.query(ALICE, q(5)))).containsExactly("B1", "_1", "a1");
    assertThat(ids(store.query(ALICE, after("B1", 5)))).containsExactly("_1", "a1");
  }

  @Test
  void prefsDefaultUntilSetThenReplaced() {
    assertThat(store.prefs(ALICE)).isEqualTo(ArchivePrefs.DEFAULT);
    ArchivePrefs p =
        new ArchivePrefs(
            "roster", Set.of(BOB, Jid.parse("news.example.org")), Set.of(CAROL.withResource("x")));
    store.setPrefs(ALICE, p);
    assertThat(store.prefs(ALICE)).isEqualTo(p);
    assertThat(store.prefs(BOB)).isEqualTo(ArchivePrefs.DEFAULT);
    ArchivePrefs q = new ArchivePrefs("never", Set.of(), Set.of(BOB));
    store.setPrefs(ALICE, q);
    assertThat(store.prefs(ALICE)).isEqualTo(q);
    store.setPrefs(ALICE, new ArchivePrefs("always", Set.of(CAROL), Set.of(CAROL)));
    assertThat(store.prefs(ALICE).always()).containsExactly(CAROL);
    assertThat(store.prefs(ALICE).never()).containsExactly(CAROL);
  }

  @Test
  void removingTheAccountRemovesItsArchiveAndPrefs() {
    seed(3);
    store.setPrefs(ALICE, new ArchivePrefs("never", Set.of(BOB), Set.of()));
    assertThat(accounts.remove(ALICE)).isTrue();
    long left =
        db.withConnection(
            c -> count(c, "mam_messages") + count(c, "mam_prefs") + count(c, "mam_prefs_jids"));
    assertThat(left).isZero();
    accounts.create(ALICE, credentials);
    assertThat(store.query(ALICE, q(5)).count()).isZero();
    assertThat(store.prefs(ALICE)).isEqualTo(ArchivePrefs.DEFAULT);
  }

  /** Rows in {@code table}. */
  static long count(Connection c, String table) throws SQLException {
    try (var s = c.createStatement();
        var rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void appendingForAMissingAccountFails() {
    Jid nobody = Jid.parse("nobody@example.org");
    ArchivedMessage m =
        new ArchivedMessage(id(1), nobody, BOB, true, T0, null, chat(nobody, BOB, "x"));
    assertThatThrownBy(
            () ->
                db.inTransaction(
                    c -> {
                      store.append(c, m);
                      return null;
                    }))
        .hasCauseInstanceOf(SQLException.class);
  }

  private static ArchiveQuery after(String id, int max) {
    return new ArchiveQuery(null, null, null, id, null, null, max, false);
  }

  private static ArchiveQuery before(String id, int max) {
    return new ArchiveQuery(null, null, null, null, id, null, max, true);
  }

  private static ArchiveQuery with(Jid with, int max) {
    return new ArchiveQuery(with, null, null, null, null, null, max, false);
  }
}
