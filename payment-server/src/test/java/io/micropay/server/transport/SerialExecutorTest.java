package io.micropay.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SerialExecutor alone: order, one task at a time, late completion, and refusal by the pool. */
@Timeout(30)
class SerialExecutorTest {
  private final RefusingPool pool = new RefusingPool(4);
  private final AtomicInteger refusalsReported = new AtomicInteger();
  /** A pool the test runs by hand, that refuses while {@link #refusing} is set. */
  private final ArrayDeque<Runnable> handPool = new ArrayDeque<>();
  private boolean refusing;

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  @Test
  void runsTasksInOrderOneAtATimeOnAPoolOfFourThreads() throws Exception {
    SerialExecutor serial = new SerialExecutor(pool, refusalsReported::incrementAndGet);
    List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger running = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(1);
    for (int i = 0; i < 10_000; i++) {
      int number = i;
      serial.execute(() -> {
        if (running.incrementAndGet() > 1) {
          overlaps.incrementAndGet();
        }
        seen.add(number);
        running.decrementAndGet();
      });
    }
    serial.execute(done::countDown);
    assertTrue(done.await(10, TimeUnit.SECONDS));
    assertEquals(0, overlaps.get());
    for (int i = 0; i < 10_000; i++) {
      assertEquals(i, seen.get(i));
    }
  }

  /**
   * Tasks whose stages complete later, on other threads, in whatever order those threads run:
   * each task still starts only after the one before it completed, and in the order queued.
   */
  @Test
  void tasksCompletingLaterOnOtherThreadsKeepTheirOrder() throws Exception {
    SerialExecutor serial = new SerialExecutor(pool, refusalsReported::incrementAndGet);
    ExecutorService completers = Executors.newFixedThreadPool(3);
    try {
      List<Integer> started = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger inFlight = new AtomicInteger();
      AtomicInteger overlaps = new AtomicInteger();
      CountDownLatch done = new CountDownLatch(1);
      for (int i = 0; i < 2_000; i++) {
        int number = i;
        serial.submit(() -> {
          if (inFlight.incrementAndGet() > 1) {
            overlaps.incrementAndGet();
          }
          started.add(number);
          if (ThreadLocalRandom.current().nextBoolean()) {
            inFlight.decrementAndGet();
            return null;
          }
          CompletableFuture<Void> later = new CompletableFuture<>();
          completers.execute(() -> {
            inFlight.decrementAndGet();
            later.complete(null);
          });
          return later;
        });
      }
      serial.execute(done::countDown);
      assertTrue(done.await(10, TimeUnit.SECONDS));
      assertEquals(0, overlaps.get(), "a task started before the previous one completed");
      for (int i = 0; i < 2_000; i++) {
        assertEquals(i, started.get(i));
      }
    } finally {
      completers.shutdownNow();
    }
  }

  @Test
  void theNextTaskWaitsForTheStageOfThePrevious() {
    SerialExecutor serial = new SerialExecutor(this::handExecute,
        refusalsReported::incrementAndGet);
    CompletableFuture<Void> commit = new CompletableFuture<>();
    List<String> ran = new ArrayList<>();
    serial.submit(() -> {
      ran.add("transfer");
      return commit;
    });
    serial.execute(() -> ran.add("next"));
    runHandPool();
    assertEquals(List.of("transfer"), ran, "the next task ran before the stage completed");
    assertEquals(1, serial.pending());
    commit.complete(null);
    runHandPool();
    assertEquals(List.of("transfer", "next"), ran);
  }

  @Test
  void aRefusedSubmitThrowsStaysRefusedAndTheLastTaskStillRunsExactlyOnce() {
    SerialExecutor serial = new SerialExecutor(pool, refusalsReported::incrementAndGet);
    pool.refuse();
    AtomicInteger lastRuns = new AtomicInteger();
    assertThrows(RejectedExecutionException.class, () -> serial.execute(() -> { }));
    pool.accept();
    assertThrows(RejectedExecutionException.class, () -> serial.execute(() -> { }),
        "a line after a dropped one would get the dropped one's reply");
    pool.refuse();
    serial.executeLast(lastRuns::incrementAndGet);
    assertEquals(1, lastRuns.get(), "the last task runs on the caller when the pool refuses");
    serial.execute(() -> lastRuns.addAndGet(100));
    assertEquals(1, lastRuns.get(), "nothing runs after the last task");
    assertThrows(IllegalStateException.class, () -> serial.executeLast(() -> { }));
  }

  /**
   * A refusal met by the thread that completes a stage (a worker, not the loop): the waiting
   * tasks are dropped, the owner is told so that it closes, and the last task then runs once.
   */
  @Test
  void aRefusalMetWhenResumingAfterAStageIsReportedAndTheLastTaskRunsOnce() {
    SerialExecutor serial = new SerialExecutor(this::handExecute,
        refusalsReported::incrementAndGet);
    CompletableFuture<Void> commit = new CompletableFuture<>();
    List<String> ran = new ArrayList<>();
    serial.submit(() -> commit);
    serial.execute(() -> ran.add("queued behind the stage"));
    runHandPool();
    refusing = true;
    commit.complete(null);
    assertEquals(1, refusalsReported.get(), "the owner hears of the refusal");
    assertEquals(0, serial.pending(), "the waiting tasks were dropped");
    refusing = false;
    serial.executeLast(() -> ran.add("last"));
    runHandPool();
    assertEquals(List.of("last"), ran);
  }

  /** The last task queued while the refusal is being handled (the window of a lost onClosed). */
  @Test
  void aLastTaskQueuedDuringTheRefusalRunsOnce() {
    AtomicInteger lastRuns = new AtomicInteger();
    SerialExecutor[] serial = new SerialExecutor[1];
    serial[0] = new SerialExecutor(task -> {
      serial[0].executeLast(lastRuns::incrementAndGet);
      throw new RejectedExecutionException("refusing (test)");
    }, refusalsReported::incrementAndGet);
    assertThrows(RejectedExecutionException.class, () -> serial[0].execute(() -> { }));
    assertEquals(1, lastRuns.get());
  }

  /** Rounds of a close racing a refusal on another thread: the last task runs once in each. */
  @Test
  void theLastTaskRunsExactlyOnceWhenACloseRacesARefusal() throws Exception {
    ExecutorService racers = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 500; round++) {
        RefusingPool refusingPool = new RefusingPool(1);
        try {
          SerialExecutor serial = new SerialExecutor(refusingPool, () -> { });
          CompletableFuture<Void> commit = new CompletableFuture<>();
          serial.submit(() -> commit);
          refusingPool.refuse();
          AtomicInteger lastRuns = new AtomicInteger();
          CountDownLatch go = new CountDownLatch(1);
          var completing = racers.submit(() -> {
            go.await();
            commit.complete(null);
            return null;
          });
          var closing = racers.submit(() -> {
            go.await();
            serial.executeLast(lastRuns::incrementAndGet);
            return null;
          });
          go.countDown();
          completing.get(5, TimeUnit.SECONDS);
          closing.get(5, TimeUnit.SECONDS);
          refusingPool.shutdown();
          assertTrue(refusingPool.awaitTermination(5, TimeUnit.SECONDS));
          assertEquals(1, lastRuns.get(), "round " + round);
        } finally {
          refusingPool.shutdownNow();
        }
      }
    } finally {
      racers.shutdownNow();
    }
  }

  @Test
  void theLastTaskRunsAfterEveryTaskQueuedBeforeIt() {
    SerialExecutor serial = new SerialExecutor(this::handExecute,
        refusalsReported::incrementAndGet);
    List<String> seen = new ArrayList<>();
    serial.execute(() -> seen.add("a"));
    serial.execute(() -> seen.add("b"));
    serial.executeLast(() -> seen.add("last"));
    serial.execute(() -> seen.add("after the end"));
    runHandPool();
    assertEquals(List.of("a", "b", "last"), seen);
    assertFalse(refusing);
  }

  private void handExecute(Runnable task) {
    if (refusing) {
      throw new RejectedExecutionException("refusing (test)");
    }
    handPool.add(task);
  }

  private void runHandPool() {
    for (Runnable task = handPool.poll(); task != null; task = handPool.poll()) {
      task.run();
    }
  }
}
