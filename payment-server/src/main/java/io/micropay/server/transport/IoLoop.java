package io.micropay.server.transport;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import io.micropay.pki.tls.HandshakeFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector thread and the connections it owns. It reads and writes sockets and runs the TLS
 * record work; anything slow (certificate checks, the session's business) goes to the worker
 * pool. Other threads talk to it only through {@link #execute}, whose queue is bounded, and
 * {@link #closeSoon}, which needs no room in it. Twice a second it sweeps its connections for
 * handshake and idle deadlines.
 *
 * <p>A {@link RuntimeException} out of a connection's work is a broken invariant: the
 * connection has closed itself (or is closed here), the failure is logged as an error with its
 * stack trace and counted, and the loop goes on serving the others.
 */
final class IoLoop implements Runnable, Executor {
  private static final Logger LOG = LoggerFactory.getLogger(IoLoop.class);
  /** How often deadlines are checked, in milliseconds: the precision of every timeout. */
  static final long SWEEP_INTERVAL_MILLIS = 500;

  private final Selector selector;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queuedTasks = new AtomicInteger();
  private final int maxQueuedTasks;
  /** Closes asked for from other threads; a connection is in it once at most. */
  private final ConcurrentLinkedQueue<CloseRequest> closeRequests = new ConcurrentLinkedQueue<>();
  private final Set<LineConnection> connections = new HashSet<>();
  private final PacketBuffers packetBuffers = new PacketBuffers();
  private final TransportCounters counters;
  private final Thread thread;
  private volatile boolean running = true;
  private long lastSweepNanos = System.nanoTime();

  private record CloseRequest(LineConnection connection, String reason) { }

  IoLoop(String name, TransportCounters counters, int maxQueuedTasks) throws IOException {
    if (maxQueuedTasks <= 0) {
      throw new IllegalArgumentException("maxQueuedTasks must be positive, was "
          + maxQueuedTasks);
    }
    this.maxQueuedTasks = maxQueuedTasks;
    this.selector = Selector.open();
    this.counters = counters;
    this.thread = new Thread(this, name);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /**
   * Runs {@code task} on this loop's thread, soon.
   *
   * @throws RejectedExecutionException when {@code maxQueuedTasks} wait already: the loop is
   *     far behind, and the caller closes what it was working for (see {@link #closeSoon})
   */
  @Override
  public void execute(Runnable task) {
    if (queuedTasks.incrementAndGet() > maxQueuedTasks) {
      queuedTasks.decrementAndGet();
      throw new RejectedExecutionException("the I/O loop " + thread.getName() + " has "
          + maxQueuedTasks + " tasks queued (the limit)");
    }
    tasks.add(task);
    selector.wakeup();
  }

  /**
   * Closes {@code connection} on this loop soon, from any thread, even when the task queue is
   * full: each connection is queued here once at most, so this queue is bounded by them. False
   * when a close of it was asked for already (this reason is then not the one it closes for).
   */
  boolean closeSoon(LineConnection connection, String reason) {
    if (!connection.closeRequested.compareAndSet(false, true)) {
      return false;
    }
    closeRequests.add(new CloseRequest(connection, reason));
    selector.wakeup();
    return true;
  }

  /** Tasks waiting now (for tests of the bound). */
  int queuedTasks() {
    return queuedTasks.get();
  }

  /** Whether closes asked for from other threads wait (for tests that step the loop). */
  boolean hasCloseRequests() {
    return !closeRequests.isEmpty();
  }

  /** Takes over {@code channel}: registers it and starts its handshake. */
  void adopt(SocketChannel channel,
      BiFunction<IoLoop, RecordChannel, LineConnection> factory) {
    execute(() -> {
      SocketRecordChannel records = new SocketRecordChannel(channel);
      LineConnection connection;
      try {
        connection = factory.apply(this, records);
      } catch (RuntimeException e) {
        records.close();
        counters.release();
        throw e;
      }
      connections.add(connection);
      counters.handshakeStarted(connection);
      try {
        channel.configureBlocking(false);
        records.register(channel.register(selector, SelectionKey.OP_READ, connection));
      } catch (IOException e) {
        LOG.warn("cannot register a new connection: {}", e.getMessage());
        connection.closeNow("cannot register: " + e.getMessage());
        return;
      }
      connection.start();
    });
  }

  /** The record buffers this loop's connections borrow while they have bytes in flight. */
  PacketBuffers packetBuffers() {
    return packetBuffers;
  }

  /** Adds a connection made outside {@link #adopt} (tests of the layers on an in-memory pipe). */
  void track(LineConnection connection) {
    connections.add(connection);
    counters.handshakeStarted(connection);
  }

  void connectionClosed(LineConnection connection, boolean duringHandshake,
      HandshakeFailure.Reason failure) {
    connections.remove(connection);
    counters.connectionClosed(connection, duringHandshake, failure);
  }

  /** Closes every connection and stops the thread; waits for it a bounded time. */
  void shutdown(long waitMillis) {
    // Past the bound on purpose: shutting down must not fail because the loop is busy.
    queuedTasks.incrementAndGet();
    tasks.add(() -> {
      for (LineConnection connection : List.copyOf(connections)) {
        connection.closeNow("the server is shutting down");
      }
      running = false;
    });
    selector.wakeup();
    try {
      thread.join(waitMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      selector.close();
    } catch (IOException e) {
      LOG.debug("selector close failed: {}", e.getMessage());
    }
  }

  /** Runs {@code action} on this loop for each of its open connections (a revocation sweep). */
  void forEachConnection(Consumer<Connection> action) {
    execute(() -> {
      for (LineConnection connection : List.copyOf(connections)) {
        if (!connection.isHandshaking() && !connection.isClosed()) {
          action.accept(connection);
        }
      }
    });
  }

  @Override
  public void run() {
    while (running) {
      try {
        selector.select(SWEEP_INTERVAL_MILLIS);
        runQueuedTasks();
        handleReadyKeys();
        sweepIfDue();
      } catch (ClosedChannelException e) {
        LOG.debug("channel closed under the loop: {}", e.getMessage());
      } catch (IOException | RuntimeException e) {
        // One connection's failure must never stop the loop that serves the others.
        internalError("I/O loop " + thread.getName() + " caught an unexpected failure", e);
      }
    }
  }

  /**
   * Runs the closes asked for, then the tasks queued, also those that arrive meanwhile (as
   * other threads' replies do), at most as many as the queue holds, so that sockets are served
   * again within a bounded time. Package-private for tests that step a loop whose thread was
   * never started.
   */
  void runQueuedTasks() {
    for (CloseRequest request = closeRequests.poll(); request != null;
        request = closeRequests.poll()) {
      request.connection().closeNow(request.reason());
    }
    for (int budget = maxQueuedTasks; budget > 0; budget--) {
      Runnable task = tasks.poll();
      if (task == null) {
        return;
      }
      queuedTasks.decrementAndGet();
      try {
        task.run();
      } catch (RuntimeException e) {
        internalError("an I/O loop task failed", e);
      }
    }
  }

  private void handleReadyKeys() {
    Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
    while (keys.hasNext()) {
      SelectionKey key = keys.next();
      keys.remove();
      LineConnection connection = (LineConnection) key.attachment();
      if (!key.isValid()) {
        continue;
      }
      try {
        connection.onReady(key.readyOps());
      } catch (RuntimeException e) {
        connection.closeNow("internal error: " + e);
        internalError("conn=" + connection.id() + " broke an invariant and was closed", e);
      }
    }
  }

  private void internalError(String what, Throwable failure) {
    counters.internalError();
    LOG.error(what, failure);
  }

  private void sweepIfDue() {
    long now = System.nanoTime();
    if (now - lastSweepNanos < SWEEP_INTERVAL_MILLIS * 1_000_000L) {
      return;
    }
    lastSweepNanos = now;
    for (LineConnection connection : new ArrayList<>(connections)) {
      try {
        connection.sweep(now);
      } catch (RuntimeException e) {
        connection.closeNow("internal error: " + e);
        internalError("conn=" + connection.id() + " broke an invariant and was closed", e);
      }
    }
  }
}
