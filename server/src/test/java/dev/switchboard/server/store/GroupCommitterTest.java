package dev.switchboard.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group commit on a real SQLite database: writes queued together commit together, a failing
 * write fails alone, and nothing that committed runs twice after a failure, whatever was thrown.
 */
class GroupCommitterTest {
  @TempDir Path dir;
  private Database db;
  private GroupCommitter committer;

  @BeforeEach
  void open() throws Exception {
    db = TestDatabases.sqlite(dir);
    db.inTransaction(
        c -> {
          try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE gc_test (x INTEGER NOT NULL)");
          }
          return null;
        });
    committer = new GroupCommitter(db, 100);
  }

  @AfterEach
  void close() {
    committer.close();
    db.close();
  }

  private GroupCommitter.Write insert(int x, AtomicInteger runs) {
    return c -> {
      runs.incrementAndGet();
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO gc_test (x) VALUES (?)")) {
        ps.setInt(1, x);
        ps.executeUpdate();
      }
    };
  }

  private List<Integer> rows() throws Exception {
    return committer
        .read(
            c -> {
              List<Integer> out = new ArrayList<>();
              try (Statement s = c.createStatement();
                  ResultSet rs = s.executeQuery("SELECT x FROM gc_test ORDER BY x")) {
                while (rs.next()) {
                  out.add(rs.getInt(1));
                }
              }
              return out;
            })
        .get(10, TimeUnit.SECONDS);
  }

  /** Holds the commit thread until released, so what is submitted meanwhile forms one batch. */
  private CountDownLatch holdCommitThread() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    committer.submit(
        c -> {
          started.countDown();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    return release;
  }

  @Test
  void writesQueuedTogetherCommitInOneTransaction() throws Exception {
    CountDownLatch release = holdCommitThread();
    long before = committer.stats()[0];
    AtomicInteger runs = new AtomicInteger();
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      done.add(committer.submit(insert(i, runs)));
    }
    release.countDown();
    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    assertThat(rows()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    assertThat(runs).hasValue(10);
    // the held write's batch, then one batch for the ten
    assertThat(committer.stats()[0] - before).isEqualTo(2);
  }

  @Test
  void aFailingWriteFailsAloneAndTheOthersCommitOnce() throws Exception {
    CountDownLatch release = holdCommitThread();
    AtomicInteger goodRuns = new AtomicInteger();
    AtomicInteger badRuns = new AtomicInteger();
    CompletableFuture<Void> first = committer.submit(insert(1, goodRuns));
    CompletableFuture<Void> bad =
        committer.submit(
            c -> {
              badRuns.incrementAndGet();
              throw new java.sql.SQLException("planted failure");
            });
    CompletableFuture<Void> last = committer.submit(insert(2, goodRuns));
    release.countDown();
    first.get(10, TimeUnit.SECONDS);
    last.get(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasRootCauseMessage("planted failure");
    assertThat(rows()).containsExactly(1, 2);
    // the first ran in the failed batch (rolled back) and again alone; the batch stopped at the bad
    // one, so the last ran only alone
    assertThat(goodRuns).hasValue(3);
    assertThat(badRuns).hasValue(2);
  }

  /**
   * An Error (not an exception) thrown by a write used to escape the batch and leave the taken
   * operations to run again on the next loop; now each operation is settled exactly once.
   */
  @Test
  void anErrorInAWriteDoesNotRunCommittedWorkAgain() throws Exception {
    CountDownLatch release = holdCommitThread();
    AtomicInteger runs = new AtomicInteger();
    CompletableFuture<Void> good = committer.submit(insert(7, runs));
    CompletableFuture<Void> broken =
        committer.submit(
            c -> {
              throw new AssertionError("planted error");
            });
    release.countDown();
    good.get(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> broken.get(10, TimeUnit.SECONDS))
        .hasRootCauseInstanceOf(AssertionError.class);
    // the committer lives on, and the good write committed exactly once
    committer.submit(insert(8, runs)).get(10, TimeUnit.SECONDS);
    assertThat(rows()).containsExactly(7, 8);
  }

  @Test
  void anErrorInAReadFailsOnlyThatRead() throws Exception {
    CountDownLatch release = holdCommitThread();
    AtomicInteger runs = new AtomicInteger();
    CompletableFuture<Void> write = committer.submit(insert(3, runs));
    CompletableFuture<Integer> read =
        committer.read(
            c -> {
              throw new AssertionError("planted read error");
            });
    CompletableFuture<Void> after = committer.submit(insert(4, runs));
    release.countDown();
    write.get(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> read.get(10, TimeUnit.SECONDS))
        .hasRootCauseInstanceOf(AssertionError.class);
    // the write queued behind the failed read is settled too (failed with it or committed), never
    // left hanging, and nothing committed runs twice
    try {
      after.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e).hasRootCauseInstanceOf(AssertionError.class);
    }
    committer.submit(insert(5, runs)).get(10, TimeUnit.SECONDS);
    assertThat(rows()).contains(3, 5).doesNotHaveDuplicates();
    assertThat(runs.get()).isEqualTo(rows().size());
  }

  @Test
  void aReadSeesEveryWriteSubmittedBeforeIt() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    for (int i = 0; i < 50; i++) {
      committer.submit(insert(i, runs));
    }
    assertThat(rows()).hasSize(50);
  }

  @Test
  void afterCloseSubmissionsFail() {
    committer.close();
    assertThatThrownBy(() -> committer.submit(c -> {}).get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(java.util.concurrent.RejectedExecutionException.class);
  }

  @Test
  void upkeepRunsInEachBatchAndItsTransactionEndIsReported() throws Exception {
    AtomicInteger upkeeps = new AtomicInteger();
    List<Boolean> ends = java.util.Collections.synchronizedList(new ArrayList<>());
    GroupCommitter.Write upkeep =
        c -> {
          upkeeps.incrementAndGet();
          try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO gc_test (x) VALUES (-1)");
          }
          GroupCommitter.onEnd(ends::add);
        };
    committer.everyBatch(upkeep);
    committer.submit(insert(1, new AtomicInteger())).get(5, TimeUnit.SECONDS);
    assertThat(rows()).containsExactlyInAnyOrder(1, -1);
    assertThat(upkeeps).hasValue(1);
    assertThat(ends).containsExactly(true);

    // a batch that fails: its writes are applied again alone, without upkeep
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    CompletableFuture<Void> gate =
        committer.submit(
            c -> {
              entered.countDown();
              try {
                held.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue(); // the gate is a batch of its own
    CompletableFuture<Void> good = committer.submit(insert(2, new AtomicInteger()));
    CompletableFuture<Void> bad =
        committer.submit(
            c -> {
              throw new java.sql.SQLException("refused");
            });
    held.countDown();
    gate.get(5, TimeUnit.SECONDS);
    good.get(5, TimeUnit.SECONDS);
    assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    // the gate's batch ran its upkeep; the failed batch never got to it, and the good write
    // applied alone runs without
    assertThat(rows()).containsExactlyInAnyOrder(1, -1, -1, 2);
    assertThat(ends).containsExactly(true, true);

    committer.noLongerEveryBatch(upkeep);
    committer.submit(insert(3, new AtomicInteger())).get(5, TimeUnit.SECONDS);
    assertThat(rows()).containsExactlyInAnyOrder(1, -1, -1, 2, 3);
  }

  @Test
  void onEndOutsideAGroupCommitIsRefused() {
    assertThatThrownBy(() -> GroupCommitter.onEnd(committed -> {}))
        .isInstanceOf(IllegalStateException.class);
  }
}
