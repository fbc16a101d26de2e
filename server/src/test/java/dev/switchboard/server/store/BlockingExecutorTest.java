package dev.switchboard.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BlockingExecutorTest {
  @Test
  void runsWorkOnVirtualThreads() throws Exception {
    try (BlockingExecutor executor = new BlockingExecutor(2)) {
      assertThat(executor.submit(() -> Thread.currentThread().isVirtual()).get(5, TimeUnit.SECONDS))
          .isTrue();
    }
  }

  @Test
  void boundsConcurrency() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    try (BlockingExecutor executor = new BlockingExecutor(3)) {
      List<CompletableFuture<Integer>> all = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        int n = i;
        all.add(
            executor.submit(
                () -> {
                  most.accumulateAndGet(running.incrementAndGet(), Math::max);
                  release.await();
                  running.decrementAndGet();
                  return n;
                }));
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> running.get() == 3);
      Thread.sleep(100);
      assertThat(running.get()).isEqualTo(3);
      release.countDown();
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
      assertThat(most.get()).isEqualTo(3);
      assertThat(all)
          .extracting(CompletableFuture::join)
          .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }
  }

  @Test
  void failuresReachTheFuture() {
    try (BlockingExecutor executor = new BlockingExecutor(1)) {
      CompletableFuture<Object> f =
          executor.submit(
              () -> {
                throw new IOException("disk on fire");
              });
      assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(IOException.class)
          .hasRootCauseMessage("disk on fire");
    }
  }

  @Test
  void closeFinishesSubmittedWorkAndRefusesNew() {
    BlockingExecutor executor = new BlockingExecutor(1);
    CompletableFuture<String> slow =
        executor.submit(
            () -> {
              Thread.sleep(100);
              return "done";
            });
    executor.close();
    assertThat(slow).isCompletedWithValue("done");
    assertThat(executor.submit(() -> "late"))
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void needsAPositiveBound() {
    assertThatThrownBy(() -> new BlockingExecutor(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
