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
 * @param maxQueuedOutputBytesTotal reply bytes waiting across all connections; past it, a
 *     connection that holds more than {@link #NOT_READING_BYTES} unsent is disconnected, so a
 *     few clients that do not read cannot fill the heap while the others are still served
 * @param maxConnectionsPerIdentity connections one certificate's account may hold at once,
 *     from the end of the handshake (logged in or not); one more is refused and closed
 */
public record TransportLimits(int handshakeTimeoutMillis, int idleTimeoutMillis,
    int maxHandshakes, int maxConnections, int maxLineBytes, int maxQueuedLines,
    int maxQueuedOutputBytes, int ioThreads, long maxQueuedOutputBytesTotal,
    int maxConnectionsPerIdentity) {
  /** Unsent reply bytes past which, with the total at its bound, a client counts as not reading. */
  public static final int NOT_READING_BYTES = 64 * 1024;
  /** The default of {@code maxQueuedOutputBytesTotal}: a small share of a server's heap. */
  public static final long DEFAULT_MAX_QUEUED_OUTPUT_BYTES_TOTAL = 256L * 1024 * 1024;
  /**
   * The default of {@code maxConnectionsPerIdentity}: a peer needs one session; a few more cover
   * a reconnect while the server has not yet seen the old connection die.
   */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_IDENTITY = 8;

  /** The limits with the defaults for the bounds across connections. */
  public TransportLimits(int handshakeTimeoutMillis, int idleTimeoutMillis, int maxHandshakes,
      int maxConnections, int maxLineBytes, int maxQueuedLines, int maxQueuedOutputBytes,
      int ioThreads) {
    this(handshakeTimeoutMillis, idleTimeoutMillis, maxHandshakes, maxConnections, maxLineBytes,
        maxQueuedLines, maxQueuedOutputBytes, ioThreads, DEFAULT_MAX_QUEUED_OUTPUT_BYTES_TOTAL,
        DEFAULT_MAX_CONNECTIONS_PER_IDENTITY);
  }

  public TransportLimits {
    requirePositive("handshakeTimeoutMillis", handshakeTimeoutMillis);
    requirePositive("idleTimeoutMillis", idleTimeoutMillis);
    requirePositive("maxHandshakes", maxHandshakes);
    requirePositive("maxConnections", maxConnections);
    requirePositive("maxLineBytes", maxLineBytes);
    requirePositive("maxQueuedLines", maxQueuedLines);
    requirePositive("maxQueuedOutputBytes", maxQueuedOutputBytes);
    requirePositive("ioThreads", ioThreads);
    requirePositive("maxConnectionsPerIdentity", maxConnectionsPerIdentity);
    if (maxQueuedOutputBytesTotal < maxQueuedOutputBytes) {
      throw new IllegalArgumentException("maxQueuedOutputBytesTotal must be at least "
          + "maxQueuedOutputBytes (" + maxQueuedOutputBytes + "), was "
          + maxQueuedOutputBytesTotal);
    }
  }

  private static void requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}
