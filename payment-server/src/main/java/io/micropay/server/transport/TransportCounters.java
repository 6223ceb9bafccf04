package io.micropay.server.transport;

import io.micropay.pki.tls.HandshakeFailure;
import java.util.Comparator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts connections across every I/O loop and enforces the handshake limit: when too many
 * connections are in the handshake, the oldest one is dropped to make room. A flood of clients
 * that open TCP and never finish TLS therefore only ever pushes out each other, while a real
 * client, whose handshake takes milliseconds, gets through. It also keeps the bounds across
 * connections: the connections of each certificate's account and the reply bytes queued for
 * all of them; and it counts refusals by reason for the metrics.
 */
final class TransportCounters {
  private final int maxHandshakes;
  private final TransportEvents events;
  private final AtomicInteger open = new AtomicInteger();
  /**
   * The connections in the handshake, oldest first: by id, which the accepting thread gives in
   * the order it accepts, whichever I/O loop starts a connection's handshake first.
   */
  private final ConcurrentSkipListSet<LineConnection> handshaking =
      new ConcurrentSkipListSet<>(Comparator.comparingLong(LineConnection::id));
  private final AtomicInteger handshakingCount = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> perAccount = new ConcurrentHashMap<>();
  private final AtomicLong queuedOutputBytes = new AtomicLong();
  private final ConcurrentHashMap<String, AtomicLong> refusals = new ConcurrentHashMap<>();
  private final AtomicLong internalErrors = new AtomicLong();

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
    return handshakingCount.get();
  }

  /** Reserves a place for a new connection; false when {@code maxConnections} are open. */
  boolean tryOpen(int maxConnections) {
    while (true) {
      int current = open.get();
      if (current >= maxConnections) {
        refused("max_connections");
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

  void handshakeStarted(LineConnection connection) {
    if (handshaking.add(connection)) {
      handshakingCount.incrementAndGet();
    }
    while (handshakingCount.get() > maxHandshakes) {
      LineConnection oldest = handshaking.pollFirst();
      if (oldest == null) {
        return;
      }
      handshakingCount.decrementAndGet();
      oldest.dropFromHandshake("dropped: " + maxHandshakes + " handshakes were in progress and "
          + "this was the oldest");
    }
  }

  void handshakeFinished(LineConnection connection, boolean resumed) {
    handshakeOver(connection);
    events.handshakeFinished(resumed);
  }

  void connectionClosed(LineConnection connection, boolean duringHandshake,
      HandshakeFailure.Reason failure) {
    if (duringHandshake) {
      handshakeOver(connection);
      events.handshakeFailed(failure);
    }
    open.decrementAndGet();
    events.connectionClosed();
  }

  private void handshakeOver(LineConnection connection) {
    if (handshaking.remove(connection)) {
      handshakingCount.decrementAndGet();
    }
  }

  /**
   * Counts one more connection for {@code account}; false (and counted as a refusal) when it
   * already holds {@code maxPerCertificate}.
   */
  boolean tryOpenFor(String account, int maxPerCertificate) {
    boolean[] admitted = {false};
    perAccount.compute(account, (name, count) -> {
      int current = count == null ? 0 : count;
      if (current >= maxPerCertificate) {
        return count;
      }
      admitted[0] = true;
      return current + 1;
    });
    if (!admitted[0]) {
      refused("max_connections_per_certificate");
    }
    return admitted[0];
  }

  /** Gives back a place taken with {@link #tryOpenFor}. */
  void closedFor(String account) {
    perAccount.computeIfPresent(account, (name, count) -> count <= 1 ? null : count - 1);
  }

  /** Connections {@code account} holds now (from the end of their handshakes). */
  int connectionsOf(String account) {
    return perAccount.getOrDefault(account, 0);
  }

  /**
   * Reserves {@code bytes} of replies for a connection that will then hold
   * {@code connectionQueuedBytes}. False when the total is past its bound and this connection
   * holds more than a client that reads does: that one is cut off, the others are served.
   */
  boolean reserveOutput(long bytes, long connectionQueuedBytes, TransportLimits limits) {
    long total = queuedOutputBytes.addAndGet(bytes);
    if (total > limits.maxQueuedOutputBytesTotal()
        && connectionQueuedBytes > TransportLimits.UNREAD_OUTPUT_BYTES) {
      queuedOutputBytes.addAndGet(-bytes);
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

  /** Counts a connection refused or cut off because of {@code limit}, for the metrics. */
  void refused(String limit) {
    refusals.computeIfAbsent(limit, name -> new AtomicLong()).incrementAndGet();
    events.refused(limit);
  }

  /** Connections refused or cut off because of {@code limit} so far. */
  long refusals(String limit) {
    AtomicLong count = refusals.get(limit);
    return count == null ? 0 : count.get();
  }

  /** A broken invariant closed a connection (the loop logged it with its stack trace). */
  void internalError() {
    internalErrors.incrementAndGet();
    events.internalError();
  }

  /** Connections closed by a broken invariant so far: 0 unless there is a bug. */
  long internalErrors() {
    return internalErrors.get();
  }
}
