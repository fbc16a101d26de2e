package dev.switchboard.server.mod.mam;

import dev.switchboard.server.store.Database;
import dev.switchboard.server.store.GroupCommitter;
import dev.switchboard.server.store.TxStatements;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archive's journal on SQLite: live messages are written to {@code mam_journal}, which has no
 * index but its row id, and moved into {@code mam_messages} later, all of an owner's rows at once
 * and sorted, many owners per transaction.
 *
 * <p>Why: SQLite writes every page a transaction changed whole to its WAL. A row of {@code
 * mam_messages} changes a leaf page in each of its four indexes, and with thousands of accounts
 * chatting those pages differ for nearly every row, so each archived message cost about eight page
 * writes (measured: 300 us of commit-thread CPU per message on a 600,000-row archive, against 12 us
 * for the journal row alone). Moved later in owner order, an owner's rows share their pages.
 *
 * <p>What stays as it was: a message is durable once its journal row commits; a query sees the
 * owner's journal rows (they are moved first, see {@link #moveOwner}); a resend is refused by its
 * key whether its first copy waits here (found in memory) or was moved (found by the unique index).
 * On start, whatever the journal holds (the server stopped or crashed) is moved before anything
 * else runs.
 *
 * <p>Threads: the rows waiting in memory are read and changed only on the commit thread, inside
 * writes the group commit applies, and only as their transactions end; other threads see which
 * owners have rows waiting and how many rows wait. One journal serves a database, whatever number
 * of hosted domains archive into it.
 */
final class ArchiveJournal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ArchiveJournal.class);

  /** Rows moved per transaction at most: bounds how long a move holds up the commits after it. */
  static final int MOVE_ROWS = 600;

  /** How long a row may wait: owners gather several rows meanwhile. */
  static final Duration MAX_WAIT = Duration.ofSeconds(5);

  /** Moving starts sooner once this many rows wait (bounds the journal and the memory here). */
  static final int BACKLOG = 60_000;

  private static final String INSERT =
      "INSERT INTO mam_journal (seq, "
          + JdbcArchiveStore.ROW_COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private static final String MOVED_BEFORE =
      "SELECT 1 FROM mam_messages WHERE domain = ? AND username = ? AND with_bare = ?"
          + " AND outgoing = ? AND origin_id = ?";

  private static final String MOVE =
      "INSERT INTO mam_messages ("
          + JdbcArchiveStore.ROW_COLUMNS
          + ") SELECT "
          + JdbcArchiveStore.ROW_COLUMNS
          + " FROM mam_journal WHERE %s ORDER BY domain, username, id ON CONFLICT DO NOTHING";

  private static final Map<Database, ArchiveJournal> OPEN = new HashMap<>();

  private record Row(long seq, String key) {}

  /** One owner's rows in the journal, in the order written. */
  private static final class Waiting {
    final ArrayDeque<Row> rows = new ArrayDeque<>();
    final Set<String> keys = new HashSet<>();
    final long since = System.nanoTime();
  }

  private final Database db;
  private final GroupCommitter committer;
  private final GroupCommitter.Write upkeep = this::upkeep;
  private final Thread mover;
  private volatile boolean closed;
  private int users;

  // commit thread only
  private final LinkedHashMap<String, Waiting> waiting = new LinkedHashMap<>();
  private final List<String> stagedOwners = new ArrayList<>();
  private final List<Row> staged = new ArrayList<>();
  private final Set<String> stagedKeys = new HashSet<>();
  private long nextSeq = 1;

  // any thread
  private final Set<String> owners = ConcurrentHashMap.newKeySet();
  private final AtomicInteger waitingRows = new AtomicInteger();
  private volatile long oldestSince;

  private ArchiveJournal(Database db, GroupCommitter committer) {
    this.db = db;
    this.committer = committer;
    int moved = db.inTransaction(ArchiveJournal::moveEverything);
    if (moved > 0) {
      LOG.info("moved {} archived messages from the journal into the archive", moved);
    }
    committer.everyBatch(upkeep);
    this.mover = Thread.ofPlatform().name("sb-archive-journal").daemon(true).start(this::run);
  }

  /** The journal of {@code db}, shared by every archive module on it; {@link #close} each. */
  static ArchiveJournal open(Database db, GroupCommitter committer) {
    synchronized (OPEN) {
      ArchiveJournal j = OPEN.computeIfAbsent(db, d -> new ArchiveJournal(d, committer));
      j.users++;
      return j;
    }
  }

  // ---- writing (commit thread) ----

  /** See {@link ArchiveStore#appendIfNew}: the row goes to the journal. */
  boolean appendIfNew(Connection c, ArchivedMessage m) throws SQLException {
    String owner = m.owner().toString();
    String key = m.originId() == null ? null : resendKey(m);
    if (key != null) {
      Waiting w = waiting.get(owner);
      if ((w != null && w.keys.contains(key))
          || stagedKeys.contains(owner + '\n' + key)
          || movedBefore(c, m)) {
        return false;
      }
    }
    long seq = nextSeq++;
    PreparedStatement ps = TxStatements.prepare(c, INSERT);
    try {
      ps.setLong(1, seq);
      JdbcArchiveStore.bindRow(ps, m, 2);
      ps.executeUpdate();
    } finally {
      TxStatements.release(INSERT, ps);
    }
    if (staged.isEmpty()) {
      GroupCommitter.onEnd(this::stagedEnded);
    }
    staged.add(new Row(seq, key));
    stagedOwners.add(owner);
    if (key != null) {
      stagedKeys.add(owner + '\n' + key);
    }
    return true;
  }

  private static String resendKey(ArchivedMessage m) {
    return m.with().toBare() + "\n" + (m.outgoing() ? 'o' : 'i') + m.originId();
  }

  private static boolean movedBefore(Connection c, ArchivedMessage m) throws SQLException {
    PreparedStatement ps = TxStatements.prepare(c, MOVED_BEFORE);
    try {
      ps.setString(1, m.owner().domainPart());
      ps.setString(2, m.owner().local());
      ps.setString(3, m.with().toBare().toString());
      ps.setInt(4, m.outgoing() ? 1 : 0);
      ps.setString(5, m.originId());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    } finally {
      TxStatements.release(MOVED_BEFORE, ps);
    }
  }

  /** The transaction holding the staged rows ended: they wait now, or never were. */
  private void stagedEnded(boolean committed) {
    if (committed) {
      for (int i = 0; i < staged.size(); i++) {
        Row r = staged.get(i);
        String owner = stagedOwners.get(i);
        Waiting w = waiting.computeIfAbsent(owner, o -> new Waiting());
        w.rows.add(r);
        if (r.key() != null) {
          w.keys.add(r.key());
        }
        owners.add(owner);
      }
      waitingRows.addAndGet(staged.size());
      updateOldest();
    }
    staged.clear();
    stagedOwners.clear();
    stagedKeys.clear();
  }

  // ---- moving (commit thread) ----

  /** Moves the rows of the owners waiting longest, about {@code maxRows}. */
  private void move(Connection c, int maxRows) throws SQLException {
    Map<String, Long> chosen = new LinkedHashMap<>();
    int rows = 0;
    for (Map.Entry<String, Waiting> e : waiting.entrySet()) {
      if (rows >= maxRows) {
        break;
      }
      chosen.put(e.getKey(), e.getValue().rows.peekLast().seq());
      rows += e.getValue().rows.size();
    }
    moveChosen(c, chosen);
  }

  private boolean due() {
    int rows = waitingRows.get();
    return rows >= BACKLOG || (rows > 0 && System.nanoTime() - oldestSince >= MAX_WAIT.toNanos());
  }

  /**
   * At the end of each group-commit batch: moves up to {@link #MOVE_ROWS} rows when due, so moving
   * keeps pace with writing however busy the commit thread is, and no batch waits long for it.
   */
  private void upkeep(Connection c) {
    if (!due()) {
      return;
    }
    try {
      move(c, MOVE_ROWS);
    } catch (SQLException e) {
      // the statement failed alone; the batch goes on and the rows wait for the next try
      LOG.warn("moving archived messages from the journal failed; they stay in the journal", e);
    }
  }

  /** Moves all of {@code owner}'s waiting rows, so that a query of its archive finds them. */
  private void moveOwner(Connection c, String owner) throws SQLException {
    Waiting w = waiting.get(owner);
    if (w != null) {
      moveChosen(c, Map.of(owner, w.rows.peekLast().seq()));
    }
  }

  /** Moves each chosen owner's rows up to the seq given, then forgets what is moved everywhere. */
  private void moveChosen(Connection c, Map<String, Long> chosen) throws SQLException {
    if (chosen.isEmpty()) {
      return;
    }
    StringBuilder seqs = new StringBuilder("seq IN (");
    String comma = "";
    for (Map.Entry<String, Long> e : chosen.entrySet()) {
      for (Row r : waiting.get(e.getKey()).rows) {
        if (r.seq() > e.getValue()) {
          break;
        }
        seqs.append(comma).append(r.seq()); // our own numbers, not input
        comma = ",";
      }
    }
    seqs.append(')');
    try (Statement s = c.createStatement()) {
      s.executeUpdate(String.format(MOVE, seqs));
      // every row before the oldest one still waiting after this move has been moved
      long oldestLeft = staged.isEmpty() ? nextSeq : staged.get(0).seq();
      for (Map.Entry<String, Waiting> e : waiting.entrySet()) {
        Long upTo = chosen.get(e.getKey());
        for (Row r : e.getValue().rows) {
          if (upTo == null || r.seq() > upTo) {
            oldestLeft = Math.min(oldestLeft, r.seq());
            break;
          }
        }
      }
      s.executeUpdate("DELETE FROM mam_journal WHERE seq < " + oldestLeft);
    }
    GroupCommitter.onEnd(
        committed -> {
          if (committed) {
            forget(chosen);
          }
        });
  }

  private void forget(Map<String, Long> moved) {
    int n = 0;
    for (Map.Entry<String, Long> e : moved.entrySet()) {
      Waiting w = waiting.get(e.getKey());
      if (w == null) {
        continue;
      }
      while (!w.rows.isEmpty() && w.rows.peekFirst().seq() <= e.getValue()) {
        Row r = w.rows.pollFirst();
        if (r.key() != null) {
          w.keys.remove(r.key());
        }
        n++;
      }
      if (w.rows.isEmpty()) {
        waiting.remove(e.getKey());
        owners.remove(e.getKey());
      }
    }
    waitingRows.addAndGet(-n);
    updateOldest();
  }

  private void updateOldest() {
    Iterator<Waiting> it = waiting.values().iterator();
    oldestSince = it.hasNext() ? it.next().since : System.nanoTime();
  }

  /** Moves the whole journal (on start, before any other write); returns how many rows. */
  private static int moveEverything(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      int moved = s.executeUpdate(String.format(MOVE, "true"));
      s.executeUpdate("DELETE FROM mam_journal");
      return moved;
    }
  }

  // ---- any thread ----

  /** Before a query of {@code owner}'s archive: its journal rows are moved first. */
  void beforeQuery(String owner) {
    if (owners.contains(owner)) {
      try {
        committer.submit(c -> moveOwner(c, owner)).join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
  }

  /** Rows in the journal waiting to be moved (for tests and metrics). */
  int waiting() {
    return waitingRows.get();
  }

  /** When no batch is committing, a quiet commit now and then gives the upkeep its turn. */
  private void run() {
    while (!closed) {
      if (!due()) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        continue;
      }
      try {
        committer.submit(c -> {}).join(); // the batch's upkeep moves what is due
      } catch (RuntimeException e) {
        if (closed || e.getCause() instanceof RejectedExecutionException) {
          return; // the server is stopping; what waits is moved on the next start
        }
        LOG.warn("an empty commit failed", e);
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
      }
    }
  }

  /** Stops moving once no archive module uses the journal; what waits is moved on next start. */
  @Override
  public void close() {
    synchronized (OPEN) {
      if (--users > 0) {
        return;
      }
      OPEN.remove(db);
    }
    closed = true;
    committer.noLongerEveryBatch(upkeep);
    LockSupport.unpark(mover);
    try {
      mover.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
