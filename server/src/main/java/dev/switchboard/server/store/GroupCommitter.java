package dev.switchboard.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: writes submitted by many sessions and accounts are applied by one thread, as many
 * as are waiting (up to {@code maxBatch}) in a single transaction, so durability costs one commit
 * per batch rather than one per message.
 *
 * <p>Work runs in submission order. A read submitted after some writes sees them (they are
 * committed first), which lets a reader of an account's queued rows never miss one still on its
 * way. If a batch fails, its writes are retried one transaction each, so one bad write fails alone.
 */
public final class GroupCommitter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);

  /** One write, applied inside a transaction the committer owns: it must not commit. */
  @FunctionalInterface
  public interface Write {
    void apply(Connection c) throws SQLException;
  }

  private sealed interface Op {}

  private record WriteOp(Write write, CompletableFuture<Void> done) implements Op {}

  private record ReadOp<T>(SqlWork<T> read, CompletableFuture<T> done) implements Op {
    void run(Database db) {
      try {
        done.complete(db.withConnection(read));
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    }
  }

  private record Stop() implements Op {}

  /** What a transaction's writes asked to hear about its end; found through the thread. */
  private static final ThreadLocal<List<Consumer<Boolean>>> ENDINGS = new ThreadLocal<>();

  /**
   * Called from a {@link Write}: {@code ending} runs on the commit thread once the write's
   * transaction has ended, with {@code true} if it committed and {@code false} if it rolled back
   * (the write may then be applied again alone). Lets a store keep memory in step with what is
   * durable.
   *
   * @throws IllegalStateException outside a write the committer is applying
   */
  public static void onEnd(Consumer<Boolean> ending) {
    List<Consumer<Boolean>> endings = ENDINGS.get();
    if (endings == null) {
      throw new IllegalStateException("not in a group-commit transaction");
    }
    endings.add(ending);
  }

  /** Runs {@code tx} with endings gathered, then tells them whether it committed. */
  private void inTransaction(Write tx) {
    List<Consumer<Boolean>> endings = new ArrayList<>(2);
    ENDINGS.set(endings);
    boolean committed = false;
    try {
      db.inTransaction(
          c -> {
            tx.apply(c);
            return null;
          });
      committed = true;
    } finally {
      ENDINGS.remove();
      for (Consumer<Boolean> e : endings) {
        try {
          e.accept(committed);
        } catch (RuntimeException ex) {
          LOG.error("a transaction ending failed", ex);
        }
      }
    }
  }

  private final Database db;
  private final int maxBatch;
  private final List<Write> everyBatch = new CopyOnWriteArrayList<>();
  private final BlockingQueue<Op> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closed;
  private long batches;
  private long writes;

  public GroupCommitter(Database db, int maxBatch) {
    this.db = db;
    this.maxBatch = Math.max(1, maxBatch);
    this.thread = Thread.ofPlatform().name("sb-group-commit").daemon(true).start(this::loop);
  }

  /**
   * Runs {@code upkeep} at the end of every batch's transaction (not when a failed batch's writes
   * are applied again alone): store housekeeping that must keep pace with the writes, such as
   * moving journal rows. It decides itself whether there is anything to do, and should be quick.
   */
  public void everyBatch(Write upkeep) {
    everyBatch.add(upkeep);
  }

  /** Stops running {@code upkeep}. */
  public void noLongerEveryBatch(Write upkeep) {
    everyBatch.remove(upkeep);
  }

  /** Applies {@code write} durably; the future completes once its transaction has committed. */
  public CompletableFuture<Void> submit(Write write) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    enqueue(new WriteOp(write, done), done);
    return done;
  }

  /** Runs {@code read} after every write submitted before it has committed. */
  public <T> CompletableFuture<T> read(SqlWork<T> read) {
    CompletableFuture<T> done = new CompletableFuture<>();
    enqueue(new ReadOp<>(read, done), done);
    return done;
  }

  private void enqueue(Op op, CompletableFuture<?> done) {
    if (closed) {
      done.completeExceptionally(new RejectedExecutionException("storage is shut down"));
      return;
    }
    queue.add(op);
  }

  /** Transactions committed and writes applied so far (for benchmarks and metrics). */
  public long[] stats() {
    synchronized (this) {
      return new long[] {batches, writes};
    }
  }

  private void loop() {
    List<Op> taken = new ArrayList<>();
    List<WriteOp> batch = new ArrayList<>();
    while (true) {
      try {
        taken.add(queue.take());
        queue.drainTo(taken, maxBatch - 1);
        if (!apply(taken, batch)) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failAll(taken, e);
        return;
      } catch (Throwable e) {
        // whatever went wrong, the operations taken are settled once: none is run again
        LOG.error("group commit loop error", e);
        failAll(taken, e);
      } finally {
        taken.clear();
        batch.clear();
      }
    }
  }

  /** Runs the operations taken, in order; false after a stop. */
  private boolean apply(List<Op> taken, List<WriteOp> batch) {
    for (Op op : taken) {
      switch (op) {
        case WriteOp w -> batch.add(w);
        case ReadOp<?> r -> {
          flush(batch);
          r.run(db);
        }
        case Stop s -> {
          flush(batch);
          return false;
        }
      }
    }
    flush(batch);
    return true;
  }

  /** Fails whatever of {@code ops} has not completed; completed ones are left alone. */
  private static void failAll(List<Op> ops, Throwable cause) {
    for (Op op : ops) {
      switch (op) {
        case WriteOp w -> w.done().completeExceptionally(cause);
        case ReadOp<?> r -> r.done().completeExceptionally(cause);
        case Stop s -> {}
      }
    }
  }

  @SuppressWarnings("try") // TxStatements is found through the thread while it is open
  private void flush(List<WriteOp> batch) {
    if (batch.isEmpty()) {
      return;
    }
    try {
      inTransaction(
          c -> {
            try (TxStatements kept = TxStatements.open(c)) {
              for (WriteOp w : batch) {
                w.write().apply(c);
              }
              for (Write upkeep : everyBatch) {
                upkeep.apply(c);
              }
            }
          });
      batch.forEach(w -> w.done().complete(null));
      count(batch.size());
    } catch (RuntimeException | Error batchFailure) {
      if (batch.size() == 1) {
        batch.get(0).done().completeExceptionally(batchFailure);
      } else {
        for (WriteOp w : batch) {
          applyAlone(w);
        }
      }
    } finally {
      batch.clear();
    }
  }

  /** After its batch failed, one write in a transaction of its own, so a bad one fails alone. */
  private void applyAlone(WriteOp w) {
    try {
      inTransaction(w.write());
      w.done().complete(null);
      count(1);
    } catch (RuntimeException | Error e) {
      LOG.warn("a write failed on its own after its batch failed", e);
      w.done().completeExceptionally(e);
    }
  }

  private synchronized void count(int n) {
    batches++;
    writes += n;
  }

  /** Applies what is queued, then stops; later submissions fail. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    queue.add(new Stop());
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
