package io.micropay.loadgen;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The CPU time a process has used so far, user and system, all threads: what the operating
 * system charged it (on Linux from /proc, in clock ticks of 10 ms). Read at the start and the end
 * of a measured window, it says how many core-milliseconds one operation costs each side, which
 * a rate alone cannot: on a machine where the load generator and the server share the cores, the
 * rate is bounded by the cores divided by the two costs together.
 */
final class CpuClock {
  private final List<ProcessHandle> processes;

  private CpuClock(List<ProcessHandle> processes) {
    this.processes = List.copyOf(processes);
  }

  /** This JVM: the load generator. */
  static CpuClock ofThisProcess() {
    return new CpuClock(List.of(ProcessHandle.current()));
  }

  /** Several processes together, such as two servers acting as one service. */
  static CpuClock of(ProcessHandle... processes) {
    return new CpuClock(List.of(processes));
  }

  /**
   * CPU used so far by all of them, or empty when the operating system does not say for one
   * (or one ended).
   */
  Optional<Duration> used() {
    Duration total = Duration.ZERO;
    for (ProcessHandle process : processes) {
      Optional<Duration> used = process.info().totalCpuDuration();
      if (used.isEmpty()) {
        return Optional.empty();
      }
      total = total.plus(used.get());
    }
    return Optional.of(total);
  }

  /** Milliseconds of CPU between two readings, or -1 when either is missing. */
  static double millisBetween(Optional<Duration> start, Optional<Duration> end) {
    if (start.isEmpty() || end.isEmpty()) {
      return -1;
    }
    return end.get().minus(start.get()).toNanos() / 1e6;
  }
}
