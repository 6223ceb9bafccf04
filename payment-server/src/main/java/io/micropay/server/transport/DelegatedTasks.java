package io.micropay.server.transport;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an engine's delegated tasks (certificate checks, signatures) on the worker pool, so they
 * never stall the I/O loop, and reports back on the loop. An engine that checks certificates
 * inside unwrap never hands any out; then this is never used.
 */
final class DelegatedTasks {
  private static final Logger LOG = LoggerFactory.getLogger(DelegatedTasks.class);

  private final long connectionId;
  private final SSLEngine engine;
  private final Executor workers;
  private final Executor loop;
  /** Loop thread only: a task is out, and the engine must not be stepped meanwhile. */
  private boolean running;

  /** {@code loop} runs a task on the loop's thread and never throws. */
  DelegatedTasks(long connectionId, SSLEngine engine, Executor workers, Executor loop) {
    this.connectionId = connectionId;
    this.engine = engine;
    this.workers = workers;
    this.loop = loop;
  }

  /** Whether tasks are out now (loop thread). */
  boolean running() {
    return running;
  }

  /**
   * Runs every task the engine has on a worker, then {@code done} on the loop; or, when a task
   * throws (a broken invariant in the engine or a trust manager: logged with its stack trace),
   * {@code failed} on the loop. False when the pool refused the work: nothing runs. Loop thread.
   */
  boolean start(Runnable done, Consumer<RuntimeException> failed) {
    running = true;
    try {
      workers.execute(() -> runAll(done, failed));
      return true;
    } catch (RejectedExecutionException e) {
      running = false;
      return false;
    }
  }

  private void runAll(Runnable done, Consumer<RuntimeException> failed) {
    try {
      for (Runnable task = engine.getDelegatedTask(); task != null;
          task = engine.getDelegatedTask()) {
        task.run();
      }
    } catch (RuntimeException e) {
      LOG.error("conn={}: a TLS task failed; closing the connection", connectionId, e);
      loop.execute(() -> {
        running = false;
        failed.accept(e);
      });
      return;
    }
    loop.execute(() -> {
      running = false;
      done.run();
    });
  }
}
