package io.micropay.server.transport;

import io.micropay.pki.tls.HandshakeFailure;

/**
 * What the transport tells whoever counts its work (the server's metrics). Called on I/O and
 * accept threads: implementations only count, quickly, and never block.
 */
public interface TransportEvents {
  /** Counts nothing. */
  TransportEvents NONE = new TransportEvents() {
  };

  /** A TCP connection was accepted and its handshake begins. */
  default void connectionOpened() {
  }

  /** A handshake finished and the client is authenticated; {@code resumed} TLS session. */
  default void handshakeFinished(boolean resumed) {
  }

  /** A connection closed before its handshake finished, for {@code reason}. */
  default void handshakeFailed(HandshakeFailure.Reason reason) {
  }

  /** A connection, authenticated or not, closed. */
  default void connectionClosed() {
  }

  /** A TCP connection was closed at once, before any TLS, because of {@code limit}. */
  default void refused(String limit) {
  }
}
