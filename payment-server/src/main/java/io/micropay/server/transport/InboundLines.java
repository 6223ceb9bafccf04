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
 * The lines of one connection: cuts decrypted bytes into lines and hands each, in order, to the
 * session's {@link InboundHandler} on the worker pool, with back-pressure. At most
 * {@code maxQueuedLines} lines wait at once: when a record holds more (16 KiB of bare line feeds
 * is 16,000 lines), framing stops at the limit, the rest is kept here in a buffer borrowed from
 * the loop's pool, and reading pauses until the lines queued have been handled. The handler's
 * {@code onClosed} runs exactly once, last, even when the pool refuses work.
 *
 * <p>Everything but the handler calls runs on the I/O loop's thread.
 */
final class InboundLines {
  private static final Logger LOG = LoggerFactory.getLogger(InboundLines.class);

  /** What became of the bytes given to {@link #deliver} or {@link #resume}. */
  enum Verdict {
    /** Every line is queued: reading may go on. */
    MORE,
    /**
     * The queue is full: the rest is kept, and {@link Transport#queueDrained} is queued behind
     * the lines; reading waits for it, then for {@link #resume}.
     */
    QUEUE_FULL,
    /** A line was longer than the limit: the handler was told; reading stops for good. */
    TOO_LONG,
    /** The connection has ended: nothing more is read. */
    ENDED
  }

  /** What the lines need from the connection under them. */
  interface Transport {
    /** The lines queued before a pause have been handled; called on a worker. */
    void queueDrained();

    /** The worker pool refused work; the connection must close. Called on the loop. */
    void overloaded();

    /** The connection must close for {@code reason}; called on any thread. */
    void closeSoon(String reason);
  }

  private final long connectionId;
  private final SerialExecutor inbound;
  private final LineFramer framer;
  private final int maxQueuedLines;
  private final PacketBuffers buffers;
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
      PacketBuffers buffers, Transport transport) {
    this(connectionId, workers, maxLineBytes, maxQueuedLines, buffers, transport, null);
  }

  /** As above, reading the queue's depth through {@code queueDepth} (null: the executor's). */
  InboundLines(long connectionId, Executor workers, int maxLineBytes, int maxQueuedLines,
      PacketBuffers buffers, Transport transport, IntSupplier queueDepth) {
    this.connectionId = connectionId;
    this.inbound = new SerialExecutor(workers,
        () -> transport.closeSoon(SerialExecutor.OVERLOADED));
    this.framer = new LineFramer(maxLineBytes);
    this.maxQueuedLines = maxQueuedLines;
    this.buffers = buffers;
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
   * Frames {@code plaintext} and queues its lines, taking all of it: what does not fit in the
   * queue is kept until {@link #resume}. Must not be called while bytes are kept.
   */
  Verdict deliver(ByteBuffer plaintext) {
    if (carried != null) {
      throw new IllegalStateException("conn=" + connectionId + ": input delivered while "
          + carried.remaining() + " bytes wait for room in the line queue");
    }
    Verdict verdict = frame(plaintext);
    if (verdict == Verdict.QUEUE_FULL && plaintext.hasRemaining()) {
      carried = buffers.acquire(plaintext.remaining());
      carried.put(plaintext).flip();
    }
    return verdict;
  }

  /** After {@link Transport#queueDrained}: frames what was kept back. */
  Verdict resume() {
    if (carried == null) {
      return ended ? Verdict.ENDED : Verdict.MORE;
    }
    Verdict verdict = frame(carried);
    // A close while framing (the pool refused a line) has given the buffer back already.
    if (carried != null && (!carried.hasRemaining() || verdict != Verdict.QUEUE_FULL)) {
      giveBackCarried();
    }
    return verdict;
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
    giveBackCarried();
    inbound.executeLast(() -> {
      if (handler != null) {
        handler.onClosed(reason);
      }
    });
  }

  /**
   * Frames lines from {@code input} while the queue has room.
   *
   * <p>The decision to pause is taken once, by {@link #hasRoom} when it tells the framer to
   * stop, and the wake-up is queued in the same step. It must not be taken again from a second
   * reading of the queue's depth: workers take lines out meanwhile, so a second reading can see
   * room that the first did not, and then the rest of the input is kept with no wake-up to
   * frame it (the stall of one record of 16,000 line feeds). Whether the queue drained since is
   * harmless: the wake-up then comes at once.
   */
  private Verdict frame(ByteBuffer input) {
    if (ended) {
      return Verdict.ENDED;
    }
    stoppedForRoom = false;
    boolean fits = framer.feed(input, this::queueLine, this::hasRoom);
    if (ended) {
      return Verdict.ENDED;
    }
    if (!fits) {
      dispatch(() -> {
        if (handler != null) {
          handler.onLineTooLong();
        }
      });
      return Verdict.TOO_LONG;
    }
    if (stoppedForRoom) {
      // Behind the queued lines: it runs once they are handled, and resumes reading.
      dispatch(transport::queueDrained);
      return ended ? Verdict.ENDED : Verdict.QUEUE_FULL;
    }
    return Verdict.MORE;
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

  private void giveBackCarried() {
    if (carried != null) {
      buffers.release(carried);
      carried = null;
    }
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
    transport.closeSoon("the server failed to handle a request: " + failure.getMessage());
  }

  private void dispatch(Runnable task) {
    try {
      inbound.execute(task);
    } catch (RejectedExecutionException e) {
      transport.overloaded();
    }
  }
}
