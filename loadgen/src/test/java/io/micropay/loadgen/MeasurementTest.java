package io.micropay.loadgen;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the two loops count as latency. */
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

  private static void slowOperation() throws InterruptedException {
    Thread.sleep(OPERATION_MILLIS);
  }
}
