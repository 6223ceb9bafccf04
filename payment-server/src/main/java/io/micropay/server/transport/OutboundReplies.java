package io.micropay.server.transport;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The replies of one connection waiting to be encrypted, and their share of the server's bound.
 * {@link #reserve} runs on the thread that sends (a worker), before anything is queued: a client
 * that does not read is cut off there, and the bytes of every connection together stay bounded.
 * The queue itself is used on the loop's thread only.
 */
final class OutboundReplies {
  private final TransportLimits limits;
  private final TransportCounters counters;
  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
  /** Bytes reserved and not yet encrypted or dropped; changed on any thread. */
  private final AtomicLong reservedBytes = new AtomicLong();

  OutboundReplies(TransportLimits limits, TransportCounters counters) {
    this.limits = limits;
    this.counters = counters;
  }

  /** Reserves room for {@code bytes}; empty when reserved, else why the client is cut off. */
  Optional<String> reserve(int bytes) {
    long queued = reservedBytes.addAndGet(bytes);
    if (queued > limits.maxQueuedOutputBytes()) {
      reservedBytes.addAndGet(-bytes);
      return Optional.of("the client does not read its replies (" + queued + " bytes queued)");
    }
    if (!counters.reserveOutput(bytes, queued, limits)) {
      reservedBytes.addAndGet(-bytes);
      return Optional.of("the server holds " + limits.maxQueuedOutputBytesTotal()
          + " bytes of replies for all clients (the limit) and this client does not read");
    }
    return Optional.empty();
  }

  /** Queues reserved bytes. */
  void add(byte[] bytes) {
    queue.add(ByteBuffer.wrap(bytes));
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /** The bytes to encrypt next; the queue must not be empty. */
  ByteBuffer next() {
    return queue.peek();
  }

  /** The engine consumed {@code bytes} of {@link #next}; a finished buffer leaves the queue. */
  void consumed(int bytes) {
    if (!queue.isEmpty() && !queue.peek().hasRemaining()) {
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
