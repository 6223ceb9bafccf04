package io.micropay.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The I/O loop's task queue: bounded, and a task's broken invariant is surfaced, not lost. */
@Timeout(10)
class IoLoopTest {
  @Test
  void theTaskQueueRefusesPastItsBoundAndRunsWhatItHolds() throws Exception {
    IoLoop loop = new IoLoop("test-io", new TransportCounters(8, TransportEvents.NONE), 100);
    loop.start();
    try {
      CountDownLatch blocked = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      loop.execute(() -> {
        blocked.countDown();
        await(release);
      });
      assertTrue(blocked.await(5, TimeUnit.SECONDS));
      CountDownLatch ran = new CountDownLatch(100);
      for (int i = 0; i < 100; i++) {
        loop.execute(ran::countDown);
      }
      assertEquals(100, loop.queuedTasks());
      assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> { }));
      release.countDown();
      assertTrue(ran.await(5, TimeUnit.SECONDS), "the queued tasks ran");
      CountDownLatch again = new CountDownLatch(1);
      loop.execute(again::countDown);
      assertTrue(again.await(5, TimeUnit.SECONDS), "room again once drained");
    } finally {
      loop.shutdown(2_000);
    }
  }

  /**
   * A task that breaks an invariant is logged as an error with its stack trace and counted; the
   * loop goes on with the next task.
   */
  @Test
  void aBrokenInvariantInATaskIsLoggedWithItsStackCountedAndTheLoopGoesOn() throws Exception {
    TransportCounters counters = new TransportCounters(8, TransportEvents.NONE);
    IoLoop loop = new IoLoop("test-io", counters, 100);
    java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
    java.io.PrintStream err = System.err;
    boolean[] ranAfter = {false};
    try {
      System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
      loop.execute(() -> {
        throw new IllegalStateException("a broken invariant (test)");
      });
      loop.execute(() -> ranAfter[0] = true);
      loop.runQueuedTasks();
    } finally {
      System.setErr(err);
      loop.shutdown(0);
    }
    assertEquals(1, counters.internalErrors());
    assertTrue(ranAfter[0], "the next task ran");
    String written = log.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(written.contains("ERROR") && written.contains("a broken invariant (test)")
        && written.contains("\tat "), "logged as an error with its stack trace: " + written);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
