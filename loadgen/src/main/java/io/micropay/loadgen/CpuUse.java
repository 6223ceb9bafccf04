package io.micropay.loadgen;

/**
 * CPU used during one measured window, in milliseconds of one core, by the server and by the
 * load generator; -1 where it was not measured (an in-process scenario has no server, openssl's
 * rows are timed by openssl).
 */
record CpuUse(double serverMillis, double loadGeneratorMillis) {
  static final CpuUse NOT_MEASURED = new CpuUse(-1, -1);

  /** The server's CPU milliseconds per operation, or -1. */
  double serverMillisPer(long operations) {
    return per(serverMillis, operations);
  }

  /** The load generator's CPU milliseconds per operation, or -1. */
  double loadGeneratorMillisPer(long operations) {
    return per(loadGeneratorMillis, operations);
  }

  private static double per(double millis, long operations) {
    return millis < 0 || operations <= 0 ? -1 : millis / operations;
  }
}
