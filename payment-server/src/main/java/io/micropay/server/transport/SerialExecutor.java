package io.micropay.server.transport;

import java.util.ArrayDeque;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in order, on a shared pool: what one connection asks for is handled
 * in the order it was sent and never by two threads at once, while thousands of connections share
 * a few worker threads. A task may finish later than it returns (a transfer waiting for its batch
 * to commit): the next task then starts only when that one completes, without holding a thread
 * meanwhile. At most one drain task per connection sits in the pool's queue, so the pool's queue
 * needs room for one task per connection and no more.
 */
final class SerialExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor pool;
  private final ArrayDeque<Supplier<CompletionStage<?>>> queue = new ArrayDeque<>();
  private boolean draining;

  SerialExecutor(Executor pool) {
    this.pool = pool;
  }

  /** Queues a task that is done when it returns. */
  @Override
  public void execute(Runnable task) {
    submit(() -> {
      task.run();
      return null;
    });
  }

  /**
   * Queues a task that is done when the stage it returns completes (or at once if it returns
   * null). Throws {@link java.util.concurrent.RejectedExecutionException} when the pool refuses
   * work, which the transport treats as overload and answers by closing.
   */
  void submit(Supplier<CompletionStage<?>> task) {
    synchronized (this) {
      queue.add(task);
      if (draining) {
        return;
      }
      draining = true;
    }
    schedule();
  }

  /** How many tasks wait, not counting the one running. */
  synchronized int pending() {
    return queue.size();
  }

  private void schedule() {
    try {
      pool.execute(this::drain);
    } catch (RuntimeException e) {
      synchronized (this) {
        draining = false;
        queue.clear();
      }
      throw e;
    }
  }

  private void drain() {
    while (true) {
      Supplier<CompletionStage<?>> task;
      synchronized (this) {
        task = queue.poll();
        if (task == null) {
          draining = false;
          return;
        }
      }
      CompletionStage<?> completion = run(task);
      if (completion != null && !completion.toCompletableFuture().isDone()) {
        // Still draining: the next task waits for this one, on whichever thread completes it.
        completion.whenComplete((result, failure) -> resumeAfter(failure));
        return;
      }
    }
  }

  private void resumeAfter(Throwable failure) {
    if (failure != null) {
      LOG.error("connection task failed", failure);
    }
    try {
      schedule();
    } catch (RuntimeException e) {
      LOG.error("cannot resume a connection's queue: {}", e.getMessage());
    }
  }

  private static CompletionStage<?> run(Supplier<CompletionStage<?>> task) {
    try {
      return task.get();
    } catch (RuntimeException e) {
      // A task's own failure must not stop the tasks queued behind it.
      LOG.error("connection task failed", e);
      return null;
    }
  }
}
