package io.micropay.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that another thread or process makes true, checking it often and giving
 * up at a deadline with a message. Never a fixed sleep: it returns as soon as the condition holds.
 */
public final class Await {
  private static final long POLL_NANOS = 5_000_000;

  private Await() {
  }

  /** Returns once {@code condition} holds; fails with {@code what} after {@code timeout}. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for "
            + what);
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }
}
