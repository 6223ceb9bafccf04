package io.micropay.server.transport;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The replies of one connection waiting to be encrypted, and their share of the server's bound.
 * {@link #reserve} runs on the thread that sends (a worker), before anything is queued: a client
 * that does not read is cut off there, and the bytes of every connection together stay bounded.
 * The queue itself is used on the loop's thread only.
 */
final class OutboundReplies {
  /** Why a reply was refused: a metric label and a sentence for the log. */
  record Refusal(String label, String description) {
  }

  private final TransportLimits limits;
  private final TransportCounters counters;
  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
  /** Bytes reserved and not yet encrypted or dropped; raised on any thread, lowered on the loop. */
  private final AtomicLong reservedBytes = new AtomicLong();

  OutboundReplies(TransportLimits limits, TransportCounters counters) {
    this.limits = limits;
    this.counters = counters;
  }

  /** Reserves room for {@code bytes}; null when reserved, else why the client is cut off. */
  Refusal reserve(int bytes) {
    long queued = reservedBytes.addAndGet(bytes);
    if (queued > limits.maxQueuedOutputBytes()) {
      reservedBytes.addAndGet(-bytes);
      return new Refusal("max_queued_output_bytes", "the client does not read its replies ("
          + queued + " bytes queued, the limit is " + limits.maxQueuedOutputBytes() + ")");
    }
    if (!counters.reserveOutput(bytes, queued, limits)) {
      reservedBytes.addAndGet(-bytes);
      return new Refusal("max_queued_output_bytes_total", "the server holds "
          + counters.queuedOutputBytes() + " bytes of replies for all clients (the limit is "
          + limits.maxQueuedOutputBytesTotal() + ") and this client does not read its "
          + queued + " bytes");
    }
    return null;
  }

  /**
   * Whether the client holds more unsent replies than one that reads does: reading its requests
   * pauses until it catches up. Only encrypting (on the loop) lowers it.
   */
  boolean unread() {
    return reservedBytes.get() > TransportLimits.UNREAD_OUTPUT_BYTES;
  }

  /** Queues reserved bytes. */
  void add(byte[] bytes) {
    queue.add(ByteBuffer.wrap(bytes));
  }

  /** The bytes to encrypt next, or null when none wait. */
  ByteBuffer next() {
    return queue.peek();
  }

  /** The engine consumed {@code bytes} of {@link #next}; a finished buffer leaves the queue. */
  void consumed(int bytes) {
    ByteBuffer head = queue.peek();
    if (head != null && !head.hasRemaining()) {
      queue.poll();
    }
    release(bytes);
  }

  /** Gives back reserved bytes that will never be queued (the connection closed meanwhile). */
  void release(long bytes) {
    if (bytes > 0) {
      reservedBytes.addAndGet(-bytes);
      counters.releaseOutput(bytes);
    }
  }

  /** Drops every queued reply and gives its room back. */
  void dropAll() {
    long unsent = 0;
    for (ByteBuffer buffer : queue) {
      unsent += buffer.remaining();
    }
    queue.clear();
    release(unsent);
  }
}
