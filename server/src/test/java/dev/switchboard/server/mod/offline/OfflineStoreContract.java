package dev.switchboard.server.mod.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.server.account.JdbcAccountStore;
import dev.switchboard.server.auth.Passwords;
import dev.switchboard.server.store.Database;
import dev.switchboard.server.store.GroupCommitter;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The offline store through the group commit, as the server uses it, on every database. */
abstract class OfflineStoreContract {
  static final Jid ALICE = Jid.parse("alice@example.org");
  static final Jid BOB = Jid.parse("bob@example.org");

  Database db;
  GroupCommitter committer;
  final OfflineStore store = new JdbcOfflineStore();

  abstract Database open() throws Exception;

  void cleanUp() throws Exception {}

  @BeforeEach
  void setUp() throws Exception {
    db = open();
    new JdbcAccountStore(db).create(ALICE, Passwords.derive("pw", 4096));
    new JdbcAccountStore(db).create(BOB, Passwords.derive("pw", 4096));
    committer = new GroupCommitter(db, 64);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (committer != null) { // null when open() failed or skipped the test
      committer.close();
    }
    if (db != null) {
      db.close();
    }
    cleanUp();
  }

  static Element message(String body) {
    return Element.builder("message", "jabber:client")
        .attr("to", "alice@example.org")
        .attr("type", "chat")
        .textChild("body", body)
        .build();
  }

  @Test
  void storedInOrderAndReadBackAfterQueuedWrites() throws Exception {
    for (int i = 0; i < 100; i++) {
      Element m = message("m" + i + " <&>");
      long seq = 1000 + i;
      committer.submit(c -> store.add(c, ALICE, seq, m));
    }
    // a read queued behind the writes sees all of them
    List<OfflineStore.Stored> got = committer.read(c -> store.list(c, ALICE)).get();
    assertThat(got).hasSize(100);
    assertThat(got.get(0).message().childText("body", "jabber:client")).isEqualTo("m0 <&>");
    assertThat(got.get(99).seq()).isEqualTo(1099);
    assertThat(committer.read(c -> store.count(c, ALICE)).get()).isEqualTo(100);
    assertThat(committer.read(c -> store.count(c, BOB)).get()).isZero();
  }

  @Test
  void deleteRemovesOnlyTheGivenOnes() throws Exception {
    for (long seq = 1; seq <= 5; seq++) {
      long s = seq;
      committer.submit(c -> store.add(c, ALICE, s, message("x" + s)));
    }
    committer.submit(c -> store.delete(c, ALICE, List.of(2L, 4L))).get();
    assertThat(committer.read(c -> store.list(c, ALICE)).get())
        .extracting(OfflineStore.Stored::seq)
        .containsExactly(1L, 3L, 5L);
  }

  @Test
  void aFailingWriteFailsAloneInItsBatch() throws Exception {
    committer.submit(c -> store.add(c, ALICE, 7, message("first")));
    // the same key again violates the primary key; the write after it must still commit
    var dup = committer.submit(c -> store.add(c, ALICE, 7, message("dup")));
    var next = committer.submit(c -> store.add(c, ALICE, 8, message("next")));
    next.get();
    assertThat(dup).isCompletedExceptionally();
    assertThat(committer.read(c -> store.list(c, ALICE)).get())
        .extracting(s -> s.message().childText("body", "jabber:client"))
        .containsExactly("first", "next");
  }
}
