package io.micropay.loadgen;

import java.util.Arrays;

/**
 * Latencies of one worker thread, in nanoseconds, kept whole (no bucketing) so percentiles are
 * exact. Bounded: beyond {@link #MAX_SAMPLES} the recorder keeps every other sample from then on,
 * which halves its resolution but never its memory bound.
 */
final class LatencyRecorder {
  /** The most samples one recorder holds: 4 M longs, 32 MiB. */
  static final int MAX_SAMPLES = 4 * 1024 * 1024;

  private long[] samples = new long[1024];
  private int size;
  private long count;
  private int stride = 1;

  void record(long nanos) {
    count++;
    if (count % stride != 0) {
      return;
    }
    if (size == samples.length) {
      if (size == MAX_SAMPLES) {
        compact();
      } else {
        samples = Arrays.copyOf(samples, Math.min(MAX_SAMPLES, size * 2));
      }
    }
    samples[size++] = nanos;
  }

  long count() {
    return count;
  }

  /** All samples of several recorders, sorted. */
  static long[] merged(Iterable<LatencyRecorder> recorders) {
    int total = 0;
    for (LatencyRecorder recorder : recorders) {
      total += recorder.size;
    }
    long[] all = new long[total];
    int at = 0;
    for (LatencyRecorder recorder : recorders) {
      System.arraycopy(recorder.samples, 0, all, at, recorder.size);
      at += recorder.size;
    }
    Arrays.sort(all);
    return all;
  }

  /** The {@code fraction} percentile of sorted samples, in nanoseconds (0 when empty). */
  static long percentile(long[] sorted, double fraction) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(fraction * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private void compact() {
    for (int i = 0; i < size / 2; i++) {
      samples[i] = samples[i * 2];
    }
    size /= 2;
    stride *= 2;
  }
}
