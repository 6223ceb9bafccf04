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
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentLinkedDeque<TlsConnection> handshaking = new ConcurrentLinkedDeque<>();

  TransportCounters(int maxHandshakes) {
    this.maxHandshakes = maxHandshakes;
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
        return false;
      }
      if (open.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  /** Gives back a place reserved with {@link #tryOpen} for a connection never adopted. */
  void release() {
    open.decrementAndGet();
  }

  void handshakeStarted(TlsConnection connection) {
    handshaking.addLast(connection);
    while (handshaking.size() > maxHandshakes) {
      TlsConnection oldest = handshaking.pollFirst();
      if (oldest == null) {
        return;
      }
      oldest.close("dropped: " + maxHandshakes + " handshakes were in progress and this was "
          + "the oldest");
    }
  }

  void handshakeFinished(TlsConnection connection) {
    handshaking.remove(connection);
  }

  void connectionClosed(TlsConnection connection, boolean wasHandshaking) {
    if (wasHandshaking) {
      handshaking.remove(connection);
    }
    open.decrementAndGet();
  }
}
