package io.micropay.server.transport;

import java.util.ArrayDeque;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
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
 *
 * <p>When the pool refuses work (overload), the tasks waiting are dropped, but a task queued with
 * {@link #executeLast} still runs exactly once: on the thread that met the refusal, never beside
 * another task of this executor. That is how a connection's {@code onClosed} survives overload.
 */
final class SerialExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor pool;
  private final ArrayDeque<Supplier<CompletionStage<?>>> queue = new ArrayDeque<>();
  /** The task that must run even when the pool refuses work; null when none is queued. */
  private Runnable last;
  /** Set once {@link #executeLast} was called: nothing is queued after the end. */
  private boolean ended;
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
      if (ended) {
        // The connection has ended; work asked for after its end has nobody to do it for.
        return;
      }
      queue.add(task);
      if (draining) {
        return;
      }
      draining = true;
    }
    schedule();
  }

  /**
   * Queues {@code task} behind every task queued so far; it runs exactly once, on the pool or,
   * when the pool refuses work, on the calling thread (or whichever thread met the refusal).
   * Nothing may be queued after it: it is the end of this executor's work.
   */
  void executeLast(Runnable task) {
    synchronized (this) {
      if (ended) {
        throw new IllegalStateException("a last task was already queued");
      }
      ended = true;
      last = task;
      if (draining) {
        return;
      }
      draining = true;
    }
    try {
      schedule();
    } catch (RejectedExecutionException refused) {
      // Already handled: the last task ran here.
    }
  }

  /** How many tasks wait, not counting the one running. */
  synchronized int pending() {
    return queue.size();
  }

  /**
   * Starts a drain on the pool; called with {@code draining} set. On refusal the waiting tasks
   * are dropped, the last task (if queued) runs here, and the refusal is rethrown.
   */
  private void schedule() {
    try {
      pool.execute(this::drain);
    } catch (RejectedExecutionException e) {
      Runnable mustRun;
      synchronized (this) {
        queue.clear();
        mustRun = last;
        last = null;
        // Still draining while it runs, so nothing else of this executor starts beside it.
      }
      if (mustRun != null) {
        runLast(mustRun);
      }
      synchronized (this) {
        draining = false;
      }
      throw e;
    }
  }

  private void drain() {
    while (true) {
      Supplier<CompletionStage<?>> task;
      Runnable lastTask = null;
      synchronized (this) {
        task = queue.poll();
        if (task == null) {
          lastTask = last;
          last = null;
          if (lastTask == null) {
            draining = false;
            return;
          }
        }
      }
      if (lastTask != null) {
        runLast(lastTask);
        continue;
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
    } catch (RejectedExecutionException e) {
      LOG.error("cannot resume a connection's queue: {}", e.getMessage());
    }
  }

  private static void runLast(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.error("connection task failed", e);
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
