package dev.switchboard.server.mod.mam;

import static dev.switchboard.server.mod.mam.ArchiveStoreContract.ALICE;
import static dev.switchboard.server.mod.mam.ArchiveStoreContract.BOB;
import static dev.switchboard.server.mod.mam.ArchiveStoreContract.CAROL;
import static dev.switchboard.server.mod.mam.ArchiveStoreContract.T0;
import static dev.switchboard.server.mod.mam.ArchiveStoreContract.chat;
import static dev.switchboard.server.mod.mam.ArchiveStoreContract.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.server.account.JdbcAccountStore;
import dev.switchboard.server.auth.Passwords;
import dev.switchboard.server.auth.StoredCredentials;
import dev.switchboard.server.store.Database;
import dev.switchboard.server.store.GroupCommitter;
import dev.switchboard.xmpp.Jid;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite archive journal on a real database and group commit. */
class ArchiveJournalTest {
  private static StoredCredentials credentials;

  @TempDir Path tmp;
  private Database db;
  private GroupCommitter committer;
  private ArchiveJournal journal;
  private ArchiveStore store;
  private JdbcAccountStore accounts;

  @BeforeAll
  static void deriveCredentials() {
    credentials = Passwords.derive("secret", 4096);
  }

  @BeforeEach
  void open() {
    db = Database.open("jdbc:sqlite:" + tmp.resolve("archive.db"), "", "", 4);
    accounts = new JdbcAccountStore(db);
    for (Jid j : List.of(ALICE, BOB, CAROL)) {
      accounts.create(j, credentials);
    }
    reopenJournal();
  }

  private void reopenJournal() {
    committer = new GroupCommitter(db, 500);
    journal = ArchiveJournal.open(db, committer);
    store = new JournalledArchiveStore(new JdbcArchiveStore(db, 50), journal);
  }

  @AfterEach
  void close() {
    journal.close();
    committer.close();
    db.close();
  }

  private static ArchivedMessage row(int n, Jid owner, Jid with, String key) {
    return new ArchivedMessage(
        id(n), owner, with, n % 2 == 0, T0.plusSeconds(n), key, chat(owner, with, "m" + n));
  }

  /** Appends through the group commit, each in its own write; returns whether each was added. */
  private List<Boolean> append(ArchivedMessage... rows) {
    List<CompletableFuture<Boolean>> added = new ArrayList<>();
    for (ArchivedMessage r : rows) {
      CompletableFuture<Boolean> f = new CompletableFuture<>();
      committer.submit(c -> f.complete(store.appendIfNew(c, r))).join();
      added.add(f);
    }
    return added.stream().map(CompletableFuture::join).toList();
  }

  private List<String> archiveOf(Jid owner) {
    return store
        .query(owner, new ArchiveQuery(null, null, null, null, null, null, 50, false))
        .messages()
        .stream()
        .map(ArchivedMessage::id)
        .toList();
  }

  private long rows(String table) {
    return db.withConnection(c -> ArchiveStoreContract.count(c, table));
  }

  @Test
  void aQuerySeesTheOwnersJournalRowsAndLeavesOthersWaiting() {
    append(row(2, ALICE, BOB, "k2"), row(1, ALICE, CAROL, "k1"), row(3, BOB, ALICE, "k3"));
    assertThat(rows("mam_journal")).isEqualTo(3);

    // in id order, though written out of it
    assertThat(archiveOf(ALICE)).containsExactly(id(1), id(2));
    assertThat(journal.waiting()).isEqualTo(1);
    assertThat(rows("mam_journal") + rows("mam_messages")).isEqualTo(3);
    assertThat(archiveOf(BOB)).containsExactly(id(3));
    assertThat(journal.waiting()).isZero();
  }

  @Test
  void aResendIsRefusedWhetherItsFirstCopyWaitsOrWasMoved() {
    assertThat(append(row(1, ALICE, BOB, "k"), row(2, ALICE, BOB, "k")))
        .containsExactly(true, true);
    // same key, direction and party as row 2 while it waits in the journal
    assertThat(append(row(4, ALICE, BOB, "k"))).containsExactly(false);
    archiveOf(ALICE); // moves alice's rows
    assertThat(journal.waiting()).isZero();
    assertThat(append(row(6, ALICE, BOB, "k"), row(3, ALICE, BOB, "k")))
        .containsExactly(false, false);
    // another party, or no key, is a different message
    assertThat(append(row(8, ALICE, CAROL, "k"), row(10, ALICE, BOB, null)))
        .containsExactly(true, true);
    assertThat(archiveOf(ALICE)).containsExactly(id(1), id(2), id(8), id(10));
  }

  @Test
  void aResendInTheSameTransactionIsRefused() {
    List<Boolean> added = new ArrayList<>();
    committer
        .submit(
            c -> {
              added.add(store.appendIfNew(c, row(1, ALICE, BOB, "k")));
              added.add(store.appendIfNew(c, row(3, ALICE, BOB, "k")));
            })
        .join();
    assertThat(added).containsExactly(true, false);
    assertThat(archiveOf(ALICE)).containsExactly(id(1));
  }

  @Test
  void rowsOfATransactionThatRolledBackAreForgotten() {
    Jid nobody = Jid.parse("nobody@example.org");
    // one batch: a good row, then one the foreign key refuses; the batch rolls back and each
    // write is applied again alone, so the good row must not be taken for its own resend
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    CompletableFuture<Void> gate =
        committer.submit(
            c -> {
              entered.countDown();
              awaitQuietly(held);
            });
    awaitQuietly(entered); // the gate is a batch of its own
    List<Boolean> goodAdded = java.util.Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> good =
        committer.submit(c -> goodAdded.add(store.appendIfNew(c, row(1, ALICE, BOB, "k"))));
    CompletableFuture<Void> bad =
        committer.submit(c -> store.appendIfNew(c, row(2, nobody, BOB, "x")));
    held.countDown(); // the two writes queue behind the gate, so they are taken as one batch
    gate.join();
    good.join();
    assertThatThrownBy(bad::join).hasRootCauseInstanceOf(SQLException.class);
    // applied in the batch that rolled back, then alone: added both times, not a resend of itself
    assertThat(goodAdded).containsExactly(true, true);
    assertThat(archiveOf(ALICE)).containsExactly(id(1));
  }

  @Test
  void rowsLeftInTheJournalAreMovedOnTheNextStart() {
    append(row(1, ALICE, BOB, "k1"), row(2, BOB, ALICE, "k2"));
    journal.close();
    committer.close();
    assertThat(rows("mam_journal")).isEqualTo(2);

    reopenJournal();
    assertThat(rows("mam_journal")).isZero();
    assertThat(rows("mam_messages")).isEqualTo(2);
    assertThat(journal.waiting()).isZero();
    // and a resend of one of them is still recognised
    assertThat(append(row(3, ALICE, BOB, "k1"), row(4, ALICE, BOB, "k1")))
        .containsExactly(false, true);
  }

  @Test
  void waitingRowsAreMovedInTheBackgroundAndTheJournalEmpties() {
    for (int i = 1; i <= 40; i++) {
      append(row(i, i % 2 == 0 ? ALICE : BOB, CAROL, "k" + i));
    }
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> journal.waiting() == 0 && rows("mam_journal") == 0);
    assertThat(rows("mam_messages")).isEqualTo(40);
    assertThat(archiveOf(ALICE)).hasSize(20);
  }

  @Test
  void removingTheAccountRemovesItsJournalRows() throws SQLException {
    append(row(1, ALICE, BOB, "k1"), row(2, BOB, ALICE, "k2"));
    assertThat(accounts.remove(ALICE)).isTrue();
    assertThat(db.withConnection(ArchiveJournalTest::journalOwners)).containsExactly("bob");
    assertThat(archiveOf(BOB)).containsExactly(id(2));
    accounts.create(ALICE, credentials);
    assertThat(archiveOf(ALICE)).isEmpty();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<String> journalOwners(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (var s = c.createStatement();
        var rs = s.executeQuery("SELECT username FROM mam_journal")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
