package io.micropay.server.transport;

/** Decides what becomes of a connection whose handshake succeeded. */
@FunctionalInterface
public interface ConnectionAcceptor {
  /**
   * Called on a worker thread once the TLS handshake is done and the client's certificate has
   * been checked. Returns the handler for its input, or null after having refused it (for example
   * with {@code 240 BUSY} through {@link Connection#sendAndClose}).
   */
  InboundHandler accept(Connection connection);
}
