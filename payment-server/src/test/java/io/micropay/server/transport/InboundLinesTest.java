package io.micropay.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micropay.server.transport.InboundLines.Verdict;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The line connection's lines alone, with a pool the test runs by hand: nothing runs unasked. */
class InboundLinesTest {
  private final ArrayDeque<Runnable> poolTasks = new ArrayDeque<>();
  private boolean refusing;
  private final Executor pool = task -> {
    if (refusing) {
      throw new RejectedExecutionException("refusing (test)");
    }
    poolTasks.add(task);
  };
  private final PacketBuffers buffers = new PacketBuffers();
  private final List<String> handled = new ArrayList<>();
  private final List<String> closes = new ArrayList<>();
  private final AtomicInteger drained = new AtomicInteger();
  private final AtomicInteger overloads = new AtomicInteger();
  private final AtomicInteger closed = new AtomicInteger();

  private final InboundLines.Transport transport = new InboundLines.Transport() {
    @Override
    public void queueDrained() {
      drained.incrementAndGet();
    }

    @Override
    public void overloaded() {
      overloads.incrementAndGet();
    }

    @Override
    public void closeSoon(String reason) {
      closes.add(reason);
    }
  };
  private final InboundLines lines = new InboundLines(1, pool, 1_024, 64, buffers, transport);

  @Test
  void aRecordOfBareLineFeedsQueuesTheLimitAndKeepsTheRest() {
    lines.start(connection -> handler(), null);
    runPool();
    assertEquals(Verdict.QUEUE_FULL, lines.deliver(ascii("\n".repeat(16_000))));
    assertEquals(64 + 1, lines.queuedLines(), "64 lines, then the signal that they drained");
    assertEquals(16_000 - 64, lines.carriedBytes());
    runPool();
    assertEquals(64, handled.size());
    assertEquals(1, drained.get());
    int rounds = 1;
    while (lines.resume() == Verdict.QUEUE_FULL) {
      runPool();
      rounds++;
    }
    runPool();
    assertEquals(16_000, handled.size());
    assertEquals(0, lines.carriedBytes());
    assertEquals(16_000 / 64, rounds);
  }

  /**
   * The stall the full suite found (one record of 16,000 bare line feeds stopped being read
   * after 2,092 lines), made certain: here a worker drains the queue every time right after the
   * loop found it full, the interleaving that lost the wake-up. The loop is played by hand: while
   * reading is paused only the wake-up (queueDrained) resumes it; once reading goes on, nothing
   * more arrives from this client. Every line must still be handled.
   */
  @Test
  void aWorkerDrainingRightAfterTheLoopFoundTheQueueFullLosesNoWakeUp() {
    InboundLines[] racing = new InboundLines[1];
    racing[0] = new InboundLines(1, pool, 1_024, 64, buffers, transport, () -> {
      int depth = racing[0].queuedLines();
      if (depth >= 64) {
        runPool();
      }
      return depth;
    });
    racing[0].start(connection -> handler(), null);
    runPool();
    Verdict verdict = racing[0].deliver(ascii("\n".repeat(16_000)));
    for (int round = 0; round < 16_000 && verdict == Verdict.QUEUE_FULL; round++) {
      runPool();
      if (drained.getAndSet(0) == 0) {
        break;
      }
      verdict = racing[0].resume();
    }
    runPool();
    assertEquals(16_000, handled.size(), "lines handled before reading stalled for good");
    assertEquals(0, racing[0].carriedBytes(), "bytes left behind with nobody to frame them");
  }

  @Test
  void theBytesKeptBackAreBorrowedFromTheLoopAndGivenBack() {
    lines.start(connection -> handler(), null);
    runPool();
    int freeBefore = buffers.freeBuffers();
    assertEquals(Verdict.QUEUE_FULL, lines.deliver(ascii("x\n".repeat(100))));
    runPool();
    assertEquals(Verdict.MORE, lines.resume());
    runPool();
    assertEquals(100, handled.size());
    assertEquals(freeBefore + 1, buffers.freeBuffers(), "the kept bytes' buffer went back");
  }

  @Test
  void aLineTooLongIsReportedOnceAndEndsReading() {
    lines.start(connection -> handler(), null);
    assertEquals(Verdict.TOO_LONG, lines.deliver(ascii("a\n" + "y".repeat(2_000) + "\nb\n")));
    runPool();
    assertEquals(List.of("a", "too long"), handled);
    assertEquals(0, lines.carriedBytes(), "nothing after a line too long is kept");
  }

  @Test
  void onClosedRunsOnceAfterTheLinesQueuedBeforeIt() {
    lines.start(connection -> handler(), null);
    assertEquals(Verdict.MORE, lines.deliver(ascii("a\nb\n")));
    lines.closed("gone");
    lines.closed("again");
    runPool();
    assertEquals(List.of("a", "b", "closed: gone"), handled);
    assertEquals(1, closed.get());
  }

  @Test
  void aPoolThatRefusesALineIsOverloadAndOnClosedStillRunsOnce() {
    lines.start(connection -> handler(), null);
    runPool();
    refusing = true;
    lines.deliver(ascii("a\n"));
    assertEquals(1, overloads.get(), "the connection is told to close");
    lines.closed("overloaded");
    assertEquals(List.of("closed: overloaded"), handled, "the line was dropped; onClosed ran");
    assertEquals(1, closed.get());
  }

  private void runPool() {
    for (Runnable task = poolTasks.poll(); task != null; task = poolTasks.poll()) {
      task.run();
    }
  }

  private InboundHandler handler() {
    return new InboundHandler() {
      @Override
      public CompletionStage<?> onLine(String line) {
        handled.add(line);
        return null;
      }

      @Override
      public void onLineTooLong() {
        handled.add("too long");
      }

      @Override
      public void onIdle(long idleTimeoutMillis) {
        handled.add("idle");
      }

      @Override
      public void onClosed(String reason) {
        closed.incrementAndGet();
        handled.add("closed: " + reason);
      }
    };
  }

  private static ByteBuffer ascii(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
  }
}
