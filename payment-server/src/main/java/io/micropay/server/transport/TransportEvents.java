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

  /**
   * A connection was refused or cut off because of {@code limit}: {@code max_connections}
   * (closed at once, before any TLS), {@code max_connections_per_certificate} (closed after its
   * handshake), {@code max_queued_output_bytes} or {@code max_queued_output_bytes_total} (a
   * client that does not read its replies).
   */
  default void refused(String limit) {
  }

  /** A broken invariant in the transport closed a connection; its stack trace is in the log. */
  default void internalError() {
  }
}
