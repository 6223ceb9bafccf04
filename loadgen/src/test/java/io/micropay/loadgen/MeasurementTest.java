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
    Result alone = measurement.run("test", "cpu", 1, index -> MeasurementTest::busyOperation, "");
    assertTrue(alone.loadGeneratorCpuMillisPerOperation() >= OPERATION_MILLIS / 2.0,
        "load generator " + alone.loadGeneratorCpuMillisPerOperation() + " ms per operation");
    assertEquals(-1, alone.serverCpuMillisPerOperation(), "no server was watched");

    // Watching this very process: the "server" is charged the same burn.
    Result watched = measurement.watching(ProcessHandle.current()).run("test", "cpu", 1,
        index -> MeasurementTest::busyOperation, "");
    double perOperation = watched.serverCpuMillisPerOperation();
    assertTrue(perOperation >= OPERATION_MILLIS / 2.0, "server " + perOperation);
    // No process can use more than every core for the whole window.
    double mostPossible = Runtime.getRuntime().availableProcessors() * watched.seconds() * 1000
        / watched.operations();
    assertTrue(perOperation <= mostPossible, perOperation + " > " + mostPossible);
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
