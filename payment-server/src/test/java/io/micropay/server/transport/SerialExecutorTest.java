package io.micropay.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SerialExecutorTest {
  private final RefusingPool pool = new RefusingPool(4);

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  @Test
  void runsTasksInOrderOneAtATime() throws Exception {
    SerialExecutor serial = new SerialExecutor(pool);
    List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger running = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(1);
    for (int i = 0; i < 1_000; i++) {
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
    assertTrue(done.await(5, TimeUnit.SECONDS));
    assertEquals(0, overlaps.get());
    for (int i = 0; i < 1_000; i++) {
      assertEquals(i, seen.get(i));
    }
  }

  @Test
  void theNextTaskWaitsForTheStageOfThePrevious() throws Exception {
    SerialExecutor serial = new SerialExecutor(pool);
    CompletableFuture<Void> commit = new CompletableFuture<>();
    CountDownLatch second = new CountDownLatch(1);
    serial.submit(() -> commit);
    serial.execute(second::countDown);
    assertFalse(second.await(100, TimeUnit.MILLISECONDS), "ran before the stage completed");
    assertEquals(1, serial.pending());
    commit.complete(null);
    assertTrue(second.await(5, TimeUnit.SECONDS));
  }

  @Test
  void aRefusedSubmitThrowsAndTheLastTaskStillRunsExactlyOnce() {
    SerialExecutor serial = new SerialExecutor(pool);
    pool.refuse();
    AtomicInteger lastRuns = new AtomicInteger();
    assertThrows(RejectedExecutionException.class, () -> serial.execute(() -> { }));
    serial.executeLast(lastRuns::incrementAndGet);
    assertEquals(1, lastRuns.get(), "the last task runs on the caller when the pool refuses");
    serial.execute(() -> lastRuns.addAndGet(100));
    assertEquals(1, lastRuns.get(), "nothing runs after the last task");
  }

  @Test
  void theLastTaskRunsWhenThePoolRefusesToResumeAfterAStage() throws Exception {
    SerialExecutor serial = new SerialExecutor(pool);
    CompletableFuture<Void> commit = new CompletableFuture<>();
    AtomicInteger lastRuns = new AtomicInteger();
    CountDownLatch lastRan = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    serial.submit(() -> {
      started.countDown();
      return commit;
    });
    assertTrue(started.await(5, TimeUnit.SECONDS));
    serial.execute(() -> { });
    serial.executeLast(() -> {
      lastRuns.incrementAndGet();
      lastRan.countDown();
    });
    pool.refuse();
    // The stage completes on this thread; resuming the queue meets the refusal here (or, when
    // the drain had not yet seen the stage pending, it goes on where it was).
    commit.complete(null);
    assertTrue(lastRan.await(5, TimeUnit.SECONDS), "the last task never ran");
    assertEquals(1, lastRuns.get());
  }

  @Test
  void theLastTaskRunsAfterEveryTaskQueuedBeforeIt() throws Exception {
    SerialExecutor serial = new SerialExecutor(pool);
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(1);
    serial.execute(() -> seen.add("a"));
    serial.execute(() -> seen.add("b"));
    serial.executeLast(() -> {
      seen.add("last");
      done.countDown();
    });
    assertTrue(done.await(5, TimeUnit.SECONDS));
    assertEquals(List.of("a", "b", "last"), seen);
  }
}
