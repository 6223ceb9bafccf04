package io.micropay.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark plot and the latency percentiles it is drawn from. */
class PlotTest {
  @Test
  void aScaleEndsOnOneTwoOrFiveTimesAPowerOfTen() {
    assertEquals(1, Plot.niceCeiling(0));
    assertEquals(1, Plot.niceCeiling(1));
    assertEquals(2, Plot.niceCeiling(1.01));
    assertEquals(5, Plot.niceCeiling(4.2));
    assertEquals(10_000, Plot.niceCeiling(7_132));
    assertEquals(20_000, Plot.niceCeiling(10_001));
  }

  @Test
  void aSeriesIsDrawnOnlyWhenMeasuredAtMoreThanOneConcurrency() {
    Result one = new Result("2 transfers", "1 payer", 1, 100, 1, 0.4, 0.8, 2, "",
        CpuUse.NOT_MEASURED);
    Result sixteen = new Result("2 transfers", "16 payers", 16, 1600, 1, 2, 8, 30, "",
        CpuUse.NOT_MEASURED);
    Result openssl = new Result("1 handshakes", "full, s_time -> s_server", 1, 300, 1, -1, -1,
        -1, "", CpuUse.NOT_MEASURED);
    String drawn = new Plot(List.of(one, sixteen, openssl)).svg();
    assertTrue(drawn.contains("<polyline"), drawn);
    assertTrue(drawn.contains(">2 transfers</text>"), drawn);
    assertFalse(drawn.contains("s_time"), "rows without latency are not plotted");
    String alone = new Plot(List.of(one)).svg();
    assertFalse(alone.contains("<polyline"), alone);
    assertTrue(alone.contains("no scenario was run at more than one concurrency"), alone);
  }

  @Test
  void percentilesAreExactAndTheRecorderStaysBounded() {
    LatencyRecorder recorder = new LatencyRecorder();
    for (long nanos = 1; nanos <= 100; nanos++) {
      recorder.record(nanos);
    }
    long[] sorted = LatencyRecorder.merged(List.of(recorder));
    assertEquals(50, LatencyRecorder.percentile(sorted, 0.50));
    assertEquals(99, LatencyRecorder.percentile(sorted, 0.99));
    assertEquals(100, LatencyRecorder.percentile(sorted, 1.0));
    assertEquals(0, LatencyRecorder.percentile(new long[0], 0.5));

    LatencyRecorder full = new LatencyRecorder();
    long count = LatencyRecorder.MAX_SAMPLES + 2L;
    for (long i = 0; i < count; i++) {
      full.record(i);
    }
    assertEquals(count, full.count(), "every operation is counted");
    assertTrue(LatencyRecorder.merged(List.of(full)).length <= LatencyRecorder.MAX_SAMPLES,
        "past the bound the recorder keeps every other sample");
  }
}
