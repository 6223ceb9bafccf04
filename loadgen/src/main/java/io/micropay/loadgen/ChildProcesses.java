package io.micropay.loadgen;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The processes the benchmark starts (the payment server, {@code openssl s_server} and
 * {@code s_time}), stopped when the benchmark stops early. Without this, Ctrl-C on
 * {@code make bench} left a payment server running on its data directory, and the next run's
 * figures shared the machine with it.
 */
final class ChildProcesses {
  /** How long a child stopped at exit may take to shut down cleanly before it is killed. */
  private static final Duration EXIT_GRACE = Duration.ofSeconds(10);
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ChildProcesses::stopAll, "stop-children"));
  }

  private ChildProcesses() {
  }

  /** Starts {@code builder}'s process and stops it at JVM exit if it still runs then. */
  static Process start(ProcessBuilder builder) throws IOException {
    Process process = builder.start();
    LIVE.add(process);
    process.onExit().thenRun(() -> LIVE.remove(process));
    return process;
  }

  /**
   * Asks {@code process} to stop (SIGTERM, so the payment server shuts its ledger down cleanly)
   * and kills it if it is still running after {@code grace}.
   */
  static void stop(Process process, Duration grace) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
    }
  }

  private static void stopAll() {
    for (Process process : LIVE) {
      process.destroy();
    }
    long deadlineNanos = System.nanoTime() + EXIT_GRACE.toNanos();
    for (Process process : LIVE) {
      try {
        long leftNanos = Math.max(0, deadlineNanos - System.nanoTime());
        if (!process.waitFor(leftNanos, TimeUnit.NANOSECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
      }
    }
  }
}
