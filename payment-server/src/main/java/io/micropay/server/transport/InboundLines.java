package io.micropay.server.transport;

import io.micropay.protocol.LineFramer;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The line connection above TLS: cuts decrypted bytes into lines and hands each, in order, to
 * the session's {@link InboundHandler} on the worker pool, with back-pressure. At most
 * {@code maxQueuedLines} lines wait at once: when a record holds more (16 KiB of bare line feeds
 * is 16,000 lines), framing stops at the limit, the rest of the record is kept here, and reading
 * pauses until the queue has drained. The handler's {@code onClosed} runs exactly once, last,
 * even when the pool refuses work.
 *
 * <p>Everything but the handler calls runs on the I/O loop's thread.
 */
final class InboundLines {
  private static final Logger LOG = LoggerFactory.getLogger(InboundLines.class);

  /** What the line connection needs from the transport under it. */
  interface Transport {
    /** The queue drained after a pause; called on a worker. Reading may resume. */
    void queueDrained();

    /** The worker pool refused work; the connection must close. Called on the loop. */
    void overloaded();

    /** A request failed inside the server; the connection must close. Called on a worker. */
    void requestFailed(String reason);
  }

  private final long connectionId;
  private final SerialExecutor inbound;
  private final LineFramer framer;
  private final int maxQueuedLines;
  private final Transport transport;
  /**
   * How many tasks wait in the connection's queue: read on the loop while workers take tasks
   * out. The executor's own count, or in a test a reading that lets a worker run right after.
   */
  private final IntSupplier queueDepth;
  /** Decrypted bytes not yet framed because the queue was full; null when there are none. */
  private ByteBuffer carried;
  private boolean ended;
  /** Set by {@link #hasRoom} when it stopped the framer because the queue was full. */
  private boolean stoppedForRoom;
  /** Written and read on workers only, ordered by {@link SerialExecutor}. */
  private InboundHandler handler;

  InboundLines(long connectionId, Executor workers, int maxLineBytes, int maxQueuedLines,
      Transport transport) {
    this(connectionId, workers, maxLineBytes, maxQueuedLines, transport, null);
  }

  /** As above, reading the queue's depth through {@code queueDepth} (null: the executor's). */
  InboundLines(long connectionId, Executor workers, int maxLineBytes, int maxQueuedLines,
      Transport transport, IntSupplier queueDepth) {
    this.connectionId = connectionId;
    this.inbound = new SerialExecutor(workers);
    this.framer = new LineFramer(maxLineBytes);
    this.maxQueuedLines = maxQueuedLines;
    this.transport = transport;
    this.queueDepth = queueDepth == null ? inbound::pending : queueDepth;
  }

  /**
   * Asks {@code acceptor} for the handler, on a worker (it may touch the database); lines that
   * arrive meanwhile queue behind it in order.
   */
  void start(ConnectionAcceptor acceptor, Connection connection) {
    dispatch(() -> handler = acceptor.accept(connection));
  }

  /**
   * Frames {@code plaintext} (consuming all of it) and queues its lines. Returns true when
   * reading may go on; false when it must pause: the queue is full (reading resumes after
   * {@link Transport#queueDrained} and {@link #resume}) or a line was too long (for good).
   */
  boolean deliver(ByteBuffer plaintext) {
    if (ended || !plaintext.hasRemaining()) {
      return !ended;
    }
    boolean goOn = frame(plaintext);
    if (plaintext.hasRemaining() && !ended) {
      carried = ByteBuffer.allocate(plaintext.remaining());
      carried.put(plaintext).flip();
    }
    return goOn;
  }

  /** Frames what was kept back when the queue filled; true when reading may go on. */
  boolean resume() {
    if (carried == null) {
      return !ended && !framer.isTooLong();
    }
    boolean goOn = frame(carried);
    if (!carried.hasRemaining()) {
      carried = null;
    }
    return goOn;
  }

  /** Lines queued and not yet handled, not counting the one being handled. */
  int queuedLines() {
    return inbound.pending();
  }

  /** Decrypted bytes kept back until the queue drains. */
  int carriedBytes() {
    return carried == null ? 0 : carried.remaining();
  }

  /** Runs {@code task} on a worker after every line queued so far. */
  void afterPending(Runnable task) {
    dispatch(task);
  }

  /** The client was quiet for the idle timeout: the handler ends the session, saying why. */
  void idle(long idleTimeoutMillis) {
    dispatch(() -> {
      if (handler != null) {
        handler.onIdle(idleTimeoutMillis);
      }
    });
  }

  /** The connection is gone: the handler hears it once, after every line queued before. */
  void closed(String reason) {
    if (ended) {
      return;
    }
    ended = true;
    carried = null;
    inbound.executeLast(() -> {
      if (handler != null) {
        handler.onClosed(reason);
      }
    });
  }

  /**
   * Frames lines from {@code input} while the queue has room; true when reading may go on.
   *
   * <p>The decision to pause is taken once, by {@link #hasRoom} when it tells the framer to
   * stop, and the wake-up is armed in the same step. It must not be taken again from a second
   * reading of the queue's depth: workers take lines out meanwhile, so a second reading can see
   * room that the first did not, and then the rest of the input is kept with no wake-up to
   * frame it (the stall of one record of 16,000 line feeds). Whether the queue drained since is
   * harmless: the wake-up then comes at once.
   */
  private boolean frame(ByteBuffer input) {
    stoppedForRoom = false;
    boolean fits = framer.feed(input, this::queueLine, this::hasRoom);
    if (ended) {
      return false;
    }
    if (!fits) {
      dispatch(() -> {
        if (handler != null) {
          handler.onLineTooLong();
        }
      });
      return false;
    }
    if (stoppedForRoom) {
      // Behind the queued lines: it runs once they are handled, and resumes reading.
      dispatch(transport::queueDrained);
      return false;
    }
    return true;
  }

  /** Whether one more line may be queued; when not, framing stops and reading pauses. */
  private boolean hasRoom() {
    if (ended) {
      return false;
    }
    if (queueDepth.getAsInt() < maxQueuedLines) {
      return true;
    }
    stoppedForRoom = true;
    return false;
  }

  private void queueLine(String line) {
    try {
      inbound.submit(() -> handleLine(line));
    } catch (RejectedExecutionException e) {
      transport.overloaded();
    }
  }

  /** On a worker: the session handles the line; a failure it did not answer closes. */
  private CompletionStage<?> handleLine(String line) {
    if (handler == null) {
      return null;
    }
    try {
      CompletionStage<?> handled = handler.onLine(line);
      return handled == null ? null : handled.whenComplete((done, failure) -> {
        if (failure != null) {
          failed(failure);
        }
      });
    } catch (RuntimeException e) {
      failed(e);
      return null;
    }
  }

  /**
   * A request failed inside the server (the database, say) and got no reply. The client must
   * not wait for one forever, and no reply would be true (210 FAIL would claim the name was
   * taken): the connection closes, and a peer sees a lost connection it can retry.
   */
  private void failed(Throwable failure) {
    LOG.error("conn={}: a request failed inside the server; closing the connection",
        connectionId, failure);
    transport.requestFailed("the server failed to handle a request: " + failure.getMessage());
  }

  private void dispatch(Runnable task) {
    try {
      inbound.execute(task);
    } catch (RejectedExecutionException e) {
      transport.overloaded();
    }
  }
}
