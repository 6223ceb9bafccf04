package io.micropay.server.transport;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real worker pool that can be told to refuse new work, the way a full
 * {@code ThreadPoolExecutor} with an {@code AbortPolicy} does under overload.
 */
final class RefusingPool extends AbstractExecutorService {
  private final ExecutorService pool;
  private final AtomicBoolean refusing = new AtomicBoolean();

  RefusingPool(int threads) {
    this.pool = Executors.newFixedThreadPool(threads, runnable -> {
      Thread thread = new Thread(runnable, "test-worker");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** From now on every new task is refused. */
  void refuse() {
    refusing.set(true);
  }

  /** From now on new tasks are taken again. */
  void accept() {
    refusing.set(false);
  }

  @Override
  public void execute(Runnable task) {
    if (refusing.get()) {
      throw new RejectedExecutionException("refusing (test)");
    }
    pool.execute(task);
  }

  @Override
  public void shutdown() {
    pool.shutdown();
  }

  @Override
  public List<Runnable> shutdownNow() {
    return pool.shutdownNow();
  }

  @Override
  public boolean isShutdown() {
    return pool.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return pool.isTerminated();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return pool.awaitTermination(timeout, unit);
  }
}
