package dev.switchboard.server.store;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;

/**
 * Runs blocking storage calls away from actor and Netty threads. Each call gets a virtual thread,
 * so waiting costs no platform thread; a semaphore sized like the connection pool bounds how many
 * run at once, so a burst queues here instead of piling up inside the pool with timeouts.
 */
public final class BlockingExecutor implements AutoCloseable {
  private final ExecutorService threads =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("store-", 0).factory());
  private final Semaphore permits;

  public BlockingExecutor(int concurrency) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1");
    }
    this.permits = new Semaphore(concurrency, true);
  }

  /**
   * Runs {@code work} on a virtual thread once a permit is free. The future completes with its
   * result, or exceptionally with what it threw; after {@link #close} it fails with {@link
   * RejectedExecutionException}.
   */
  public <T> CompletableFuture<T> submit(Callable<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      threads.execute(() -> run(work, result));
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(e);
    }
    return result;
  }

  private <T> void run(Callable<T> work, CompletableFuture<T> result) {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      result.completeExceptionally(e);
      return;
    }
    try {
      result.complete(work.call());
    } catch (Throwable t) {
      result.completeExceptionally(t);
    } finally {
      permits.release();
    }
  }

  /** Stops accepting work and waits for the work already submitted to finish. */
  @Override
  public void close() {
    threads.close();
  }
}
