package io.micropay.server.transport;

/**
 * The bounds of the TLS transport, each named with its unit.
 *
 * @param handshakeTimeoutMillis from accept to a finished, authenticated handshake
 * @param idleTimeoutMillis how long an authenticated connection may send nothing
 * @param maxHandshakes connections allowed in the handshake at once; at the limit the oldest is
 *     dropped so a flood of stalled handshakes cannot lock out real clients
 * @param maxConnections connections allowed in total, handshaking or authenticated
 * @param maxLineBytes the longest request line, terminator included
 * @param maxQueuedLines lines received but not yet handled before the transport stops reading
 *     from that connection (back-pressure on a client that pipelines too much)
 * @param maxQueuedOutputBytes reply bytes waiting to be sent before the client is deemed not to
 *     read and is disconnected
 * @param ioThreads selector threads doing the TLS record work
 */
public record TransportLimits(int handshakeTimeoutMillis, int idleTimeoutMillis,
    int maxHandshakes, int maxConnections, int maxLineBytes, int maxQueuedLines,
    int maxQueuedOutputBytes, int ioThreads) {

  public TransportLimits {
    requirePositive("handshakeTimeoutMillis", handshakeTimeoutMillis);
    requirePositive("idleTimeoutMillis", idleTimeoutMillis);
    requirePositive("maxHandshakes", maxHandshakes);
    requirePositive("maxConnections", maxConnections);
    requirePositive("maxLineBytes", maxLineBytes);
    requirePositive("maxQueuedLines", maxQueuedLines);
    requirePositive("maxQueuedOutputBytes", maxQueuedOutputBytes);
    requirePositive("ioThreads", ioThreads);
  }

  private static void requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}
