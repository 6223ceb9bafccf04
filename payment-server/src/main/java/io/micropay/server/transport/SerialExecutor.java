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
 * <p>When the pool refuses work (overload) the tasks waiting are dropped and the executor stays
 * refused: running a later line after an earlier one was dropped would give the client replies
 * it cannot match to its requests. Whoever queues learns it from the exception, and a refusal
 * met by a worker (resuming after a task that completed later) is reported to
 * {@code onRefusal}; either way the owner closes the connection. A task queued with
 * {@link #executeLast} still runs exactly once, after every task that ran before it: on the pool,
 * or on the thread that met the refusal, never beside another task of this executor. That is how
 * a connection's {@code onClosed} survives overload.
 */
final class SerialExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);
  /** Why a connection closes when the worker pool refused its work. */
  static final String OVERLOADED = "the server is overloaded (worker queue full)";

  private final Executor pool;
  private final Runnable onRefusal;
  private final ArrayDeque<Supplier<CompletionStage<?>>> queue = new ArrayDeque<>();
  /** The task that must run even when the pool refuses work; null when none is queued. */
  private Runnable last;
  /** Set once {@link #executeLast} was called: nothing is queued after the end. */
  private boolean ended;
  /** Set once the pool refused work: nothing but the last task runs from then on. */
  private boolean refused;
  /** A drain is queued or running, or a task's stage is pending: nobody else may start one. */
  private boolean draining;

  /**
   * Tasks run on {@code pool}; {@code onRefusal} hears of a refusal met on a worker, which has
   * nobody else to tell (it must only ask the owner to close, from any thread).
   */
  SerialExecutor(Executor pool, Runnable onRefusal) {
    this.pool = pool;
    this.onRefusal = onRefusal;
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
   * null). After the end ({@link #executeLast}) it is dropped: nobody is left to do it for.
   *
   * @throws RejectedExecutionException when the pool refuses work, now or earlier; the caller
   *     closes the connection
   */
  void submit(Supplier<CompletionStage<?>> task) {
    synchronized (this) {
      if (ended) {
        return;
      }
      if (refused) {
        throw new RejectedExecutionException("the worker pool refused this connection's work");
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
   * when the pool refuses work, on the thread that meets the refusal (possibly this one).
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
    } catch (RejectedExecutionException refusal) {
      // Already handled: the last task ran here.
    }
  }

  /** How many tasks wait, not counting the one running. */
  synchronized int pending() {
    return queue.size();
  }

  /**
   * Starts a drain on the pool; called by whoever set {@code draining}. On refusal the waiting
   * tasks are dropped, the last task runs here (now, or as soon as it is queued while this
   * thread still holds the drain), and the refusal is rethrown.
   */
  private void schedule() {
    try {
      pool.execute(this::drain);
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        refused = true;
        queue.clear();
      }
      runLastWhileRefused();
      throw e;
    }
  }

  /**
   * Runs the last task, if there is one, and gives up the drain. The check and the release are
   * one step under the lock: a last task queued while this thread ran the one before (it saw
   * {@code draining} and left its task here) is then run by this thread, not left behind.
   */
  private void runLastWhileRefused() {
    while (true) {
      Runnable mustRun;
      synchronized (this) {
        mustRun = last;
        last = null;
        if (mustRun == null) {
          draining = false;
          return;
        }
      }
      runLast(mustRun);
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
      LOG.warn("the worker pool refused to go on with a connection's queue: {}", e.getMessage());
      onRefusal.run();
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
