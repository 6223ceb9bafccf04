package io.micropay.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the two loops count as latency, and the CPU they charge each operation. */
@Timeout(60)
class MeasurementTest {
  private static final long OPERATION_MILLIS = 20;
  private final Measurement measurement = new Measurement(
      new PrintStream(OutputStream.nullOutputStream()), 0, 0.5);

  @Test
  void aClosedLoopTimesEachOperationFromItsStart() throws Exception {
    Result result = measurement.run("test", "closed", 1, index -> MeasurementTest::slowOperation,
        "");
    // Each operation sleeps 20 ms: its latency is at least that (a loop that timed nothing, or
    // from the wrong start, would report less), and a closed loop adds no queueing on top.
    assertTrue(result.p50Millis() >= OPERATION_MILLIS, "p50 " + result.p50Millis());
    assertTrue(result.maxMillis() < 10 * OPERATION_MILLIS, "max " + result.maxMillis());
  }

  @Test
  void anOpenLoopBehindScheduleCountsTheTimeOperationsWaitedToStart() throws Exception {
    // Due every 10 ms, each taking at least 20: every operation starts later than the one
    // before, and its latency from its due time grows by at least 10 ms each time.
    Result result = measurement.runPaced("test", "paced", 1, 100, index ->
        MeasurementTest::slowOperation, "");
    assertTrue(result.operations() >= 10, "ran " + result.operations());
    assertTrue(result.maxMillis() >= 5 * OPERATION_MILLIS, "max " + result.maxMillis());
  }

  @Test
  void aPacedRateMustBeAboveZero() {
    assertThrows(IllegalArgumentException.class, () -> measurement.runPaced("test", "none", 1, 0,
        index -> () -> { }, ""));
  }

  @Test
  void eachOperationIsChargedTheCpuItBurned() throws Exception {
    Measurement longer = new Measurement(new PrintStream(OutputStream.nullOutputStream()), 0, 1);
    Result alone = longer.run("test", "cpu", 1, index -> MeasurementTest::busyOperation, "");
    // One operation straddles the window's start and the clock ticks in 10 ms: with at least 5
    // operations of 20 ms each, the average cannot fall to half of that.
    assertTrue(alone.operations() >= 5, "ran " + alone.operations());
    assertTrue(alone.loadGeneratorCpuMillisPerOperation() >= OPERATION_MILLIS / 2.0,
        "load generator " + alone.loadGeneratorCpuMillisPerOperation() + " ms per operation");
    assertEquals(-1, alone.serverCpuMillisPerOperation(), "no server was watched");
    // No process can use more than every core for the whole window: catches a wrong unit.
    double mostPossible = Runtime.getRuntime().availableProcessors() * alone.seconds() * 1000
        / alone.operations();
    assertTrue(alone.loadGeneratorCpuMillisPerOperation() <= mostPossible,
        alone.loadGeneratorCpuMillisPerOperation() + " > " + mostPossible);
  }

  @Test
  void aWatchedServerIsChargedItsOwnCpuNotTheLoadGenerators() throws Exception {
    Process idle = new ProcessBuilder("sleep", "60").start();
    try {
      Result watched = measurement.watching(idle.toHandle()).run("test", "cpu", 1,
          index -> MeasurementTest::busyOperation, "");
      assertTrue(watched.operations() >= 1, "ran " + watched.operations());
      assertTrue(watched.serverCpuMillisPerOperation() >= 0, "the server's CPU was read");
      assertTrue(watched.serverCpuMillisPerOperation() < OPERATION_MILLIS / 2.0,
          "an idle server charged " + watched.serverCpuMillisPerOperation() + " ms");
    } finally {
      idle.destroyForcibly();
    }
  }

  @Test
  void aBusyWatchedServerIsChargedTheCpuItBurned() throws Exception {
    // A process spinning on one core for the whole window: its CPU is charged to the
    // operations, however the shared machine divides the cores (a reading of 0 fails here).
    Process busy = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
    try {
      Result watched = measurement.watching(busy.toHandle()).run("test", "cpu", 1,
          index -> MeasurementTest::slowOperation, "");
      assertTrue(watched.operations() >= 1, "ran " + watched.operations());
      assertTrue(watched.serverCpuMillisPerOperation() >= OPERATION_MILLIS / 10.0,
          "a spinning server charged only " + watched.serverCpuMillisPerOperation() + " ms");
    } finally {
      busy.destroyForcibly();
    }
  }

  /** Spins until this thread has used {@link #OPERATION_MILLIS} of CPU. */
  private static void busyOperation() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long until = threads.getCurrentThreadCpuTime() + OPERATION_MILLIS * 1_000_000;
    while (threads.getCurrentThreadCpuTime() < until) {
      Thread.onSpinWait();
    }
  }

  private static void slowOperation() throws InterruptedException {
    Thread.sleep(OPERATION_MILLIS);
  }
}
