package io.micropay.server.session;

/**
 * At most {@code perSecond} log lines in each second. Thread-safe; cheap enough for every
 * request.
 */
final class LogRateLimit {
  private static final long SECOND_NANOS = 1_000_000_000L;

  private final int perSecond;
  private long windowStartNanos = System.nanoTime();
  private int used;
  private long suppressed;

  LogRateLimit(int perSecond) {
    this.perSecond = perSecond;
  }

  /**
   * -1 when this line must be left out; otherwise how many were left out since the last line
   * that got through (usually 0).
   */
  synchronized long tryAcquire() {
    long now = System.nanoTime();
    if (now - windowStartNanos >= SECOND_NANOS) {
      windowStartNanos = now;
      used = 0;
    }
    if (used >= perSecond) {
      suppressed++;
      return -1;
    }
    used++;
    long left = suppressed;
    suppressed = 0;
    return left;
  }
}
