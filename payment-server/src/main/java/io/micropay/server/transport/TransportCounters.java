package io.micropay.server.transport;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts connections across every I/O loop and enforces the handshake limit: when too many
 * connections are in the handshake, the oldest one is dropped to make room. A flood of clients
 * that open TCP and never finish TLS therefore only ever pushes out each other, while a real
 * client, whose handshake takes milliseconds, gets through.
 */
final class TransportCounters {
  private final int maxHandshakes;
  private final TransportEvents events;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentLinkedDeque<TlsConnection> handshaking = new ConcurrentLinkedDeque<>();

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
}
