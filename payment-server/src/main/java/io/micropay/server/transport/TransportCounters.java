package io.micropay.server.transport;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts connections across every I/O loop and enforces the handshake limit: when too many
 * connections are in the handshake, the oldest one is dropped to make room. A flood of clients
 * that open TCP and never finish TLS therefore only ever pushes out each other, while a real
 * client, whose handshake takes milliseconds, gets through. It also keeps the bounds across
 * connections: the connections of each account and the reply bytes queued for all of them.
 */
final class TransportCounters {
  private final int maxHandshakes;
  private final TransportEvents events;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentLinkedDeque<TlsConnection> handshaking = new ConcurrentLinkedDeque<>();
  private final ConcurrentHashMap<String, Integer> perAccount = new ConcurrentHashMap<>();
  private final AtomicLong queuedOutputBytes = new AtomicLong();
  private final AtomicLong refusedOverAccountLimit = new AtomicLong();
  private final AtomicLong refusedOverOutputLimit = new AtomicLong();

  TransportCounters(int maxHandshakes, TransportEvents events) {
    this.maxHandshakes = maxHandshakes;
    this.events = events;
  }

  /** Connections open now, handshaking or not. */
  int open() {
    return open.get();
  }

  /** Connections in the handshake now (approximate while they change). */
  int handshaking() {
    return handshaking.size();
  }

  /** Reserves a place for a new connection; false when {@code maxConnections} are open. */
  boolean tryOpen(int maxConnections) {
    while (true) {
      int current = open.get();
      if (current >= maxConnections) {
        events.refused("max_connections");
        return false;
      }
      if (open.compareAndSet(current, current + 1)) {
        events.connectionOpened();
        return true;
      }
    }
  }

  /** Gives back a place reserved with {@link #tryOpen} for a connection never adopted. */
  void release() {
    open.decrementAndGet();
    events.connectionClosed();
  }

  void handshakeStarted(TlsConnection connection) {
    handshaking.addLast(connection);
    while (handshaking.size() > maxHandshakes) {
      TlsConnection oldest = handshaking.pollFirst();
      if (oldest == null) {
        return;
      }
      oldest.dropFromHandshake("dropped: " + maxHandshakes + " handshakes were in progress and this was "
          + "the oldest");
    }
  }

  void handshakeFinished(TlsConnection connection, boolean resumed) {
    handshaking.remove(connection);
    events.handshakeFinished(resumed);
  }

  void connectionClosed(TlsConnection connection, boolean wasHandshaking) {
    if (wasHandshaking) {
      handshaking.remove(connection);
      events.handshakeFailed(connection.handshakeFailureReason());
    }
    open.decrementAndGet();
    events.connectionClosed();
  }

  /**
   * Counts one more connection for {@code account}; false (and counted as a refusal) when it
   * already holds {@code maxPerAccount}.
   */
  boolean tryOpenFor(String account, int maxPerAccount) {
    boolean[] admitted = {false};
    perAccount.compute(account, (name, count) -> {
      int current = count == null ? 0 : count;
      if (current >= maxPerAccount) {
        return count;
      }
      admitted[0] = true;
      return current + 1;
    });
    if (!admitted[0]) {
      refusedOverAccountLimit.incrementAndGet();
    }
    return admitted[0];
  }

  /** Gives back a place taken with {@link #tryOpenFor}. */
  void closedFor(String account) {
    perAccount.computeIfPresent(account, (name, count) -> count <= 1 ? null : count - 1);
  }

  /** Connections refused because their account held the most it may. */
  long refusedOverAccountLimit() {
    return refusedOverAccountLimit.get();
  }

  /**
   * Reserves {@code bytes} of replies for a connection that will then hold
   * {@code connectionQueuedBytes}. False (counted) when the total is past its bound and this
   * connection holds more than a client that reads ever does.
   */
  boolean reserveOutput(long bytes, long connectionQueuedBytes, TransportLimits limits) {
    long total = queuedOutputBytes.addAndGet(bytes);
    if (total > limits.maxQueuedOutputBytesTotal()
        && connectionQueuedBytes > TransportLimits.NOT_READING_BYTES) {
      queuedOutputBytes.addAndGet(-bytes);
      refusedOverOutputLimit.incrementAndGet();
      return false;
    }
    return true;
  }

  /** Gives back reply bytes reserved with {@link #reserveOutput}, once sent or dropped. */
  void releaseOutput(long bytes) {
    queuedOutputBytes.addAndGet(-bytes);
  }

  /** Reply bytes queued for all connections now. */
  long queuedOutputBytes() {
    return queuedOutputBytes.get();
  }

  /** Connections closed because replies for all clients were at their bound. */
  long refusedOverOutputLimit() {
    return refusedOverOutputLimit.get();
  }
}
