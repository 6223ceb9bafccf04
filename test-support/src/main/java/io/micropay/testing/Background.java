package io.micropay.testing;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Runs a task on a daemon thread of its own and hands back its result as a future. Tests that
 * need two things at once (a shell and the peer paying into it, a writer and a reader on one
 * socket, both output streams of a process) must not share a pool: on a 2-core machine the
 * common pool has a single thread, and while Java 17 then gives each async task a thread of its
 * own, Java 25 queues them on that one thread, so the second task waits for the first to end.
 */
public final class Background {
  private Background() {
  }

  /** Starts {@code task} now on a new daemon thread named {@code name}. */
  public static <T> CompletableFuture<T> supply(String name, Supplier<T> task) {
    return CompletableFuture.supplyAsync(task, runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      thread.start();
    });
  }
}
