package io.micropay.loadgen;

import java.time.Duration;
import java.util.Optional;

/**
 * The CPU time a process has used so far, user and system, all threads: what the operating
 * system charged it (on Linux from /proc, in clock ticks of 10 ms). Read at the start and the end
 * of a measured window, it says how many core-milliseconds one operation costs each side, which
 * a rate alone cannot: on a machine where the load generator and the server share the cores, the
 * rate is bounded by the cores divided by the two costs together.
 */
final class CpuClock {
  private final ProcessHandle process;

  private CpuClock(ProcessHandle process) {
    this.process = process;
  }

  /** This JVM: the load generator. */
  static CpuClock ofThisProcess() {
    return new CpuClock(ProcessHandle.current());
  }

  static CpuClock of(ProcessHandle process) {
    return new CpuClock(process);
  }

  /** CPU used so far, or empty when the operating system does not say (or the process ended). */
  Optional<Duration> used() {
    return process.info().totalCpuDuration();
  }

  /** Milliseconds of CPU between two readings, or -1 when either is missing. */
  static double millisBetween(Optional<Duration> start, Optional<Duration> end) {
    if (start.isEmpty() || end.isEmpty()) {
      return -1;
    }
    return end.get().minus(start.get()).toNanos() / 1e6;
  }
}
