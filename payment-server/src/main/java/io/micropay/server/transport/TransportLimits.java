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
 *     from that connection (back-pressure on a client that pipelines too much), however many
 *     lines one TLS record holds
 * @param maxQueuedOutputBytes reply bytes waiting to be sent before the client is deemed not to
 *     read and is disconnected
 * @param ioThreads selector threads doing the TLS record work
 * @param maxQueuedOutputBytesTotal reply bytes waiting across all connections; past it, a
 *     connection that holds more than {@link #UNREAD_OUTPUT_BYTES} unsent is disconnected, so a
 *     few clients that do not read cannot fill the heap while the others are still served
 * @param maxConnectionsPerCertificate connections one certificate's account may hold at once,
 *     from the end of the handshake (logged in or not); one more is refused and closed
 */
public record TransportLimits(int handshakeTimeoutMillis, int idleTimeoutMillis,
    int maxHandshakes, int maxConnections, int maxLineBytes, int maxQueuedLines,
    int maxQueuedOutputBytes, int ioThreads, long maxQueuedOutputBytesTotal,
    int maxConnectionsPerCertificate) {
  /**
   * Unsent reply bytes past which a client is not reading its replies for now: reading its
   * requests pauses until it has read them (and past {@code maxQueuedOutputBytesTotal} it is the
   * kind of client that is disconnected). A whole online list of 10,000 peers is more; it goes
   * out, and reading resumes, as soon as the client reads.
   */
  public static final int UNREAD_OUTPUT_BYTES = 64 * 1024;
  /** The largest {@code maxQueuedOutputBytesTotal}'s default: a small share of a server's heap. */
  public static final long DEFAULT_MAX_QUEUED_OUTPUT_BYTES_TOTAL = 256L * 1024 * 1024;
  /**
   * The default of {@code maxConnectionsPerCertificate}: a peer needs one session; a few more
   * cover reconnects while the server has not yet seen the old connection die, and one-shot
   * commands beside a running peer.
   */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_CERTIFICATE = 8;

  public TransportLimits {
    requirePositive("handshakeTimeoutMillis", handshakeTimeoutMillis);
    requirePositive("idleTimeoutMillis", idleTimeoutMillis);
    requirePositive("maxHandshakes", maxHandshakes);
    requirePositive("maxConnections", maxConnections);
    requirePositive("maxLineBytes", maxLineBytes);
    requirePositive("maxQueuedLines", maxQueuedLines);
    requirePositive("maxQueuedOutputBytes", maxQueuedOutputBytes);
    requirePositive("ioThreads", ioThreads);
    requirePositive("maxConnectionsPerCertificate", maxConnectionsPerCertificate);
    if (maxQueuedOutputBytesTotal < maxQueuedOutputBytes) {
      throw new IllegalArgumentException("maxQueuedOutputBytesTotal must be at least "
          + "maxQueuedOutputBytes (" + maxQueuedOutputBytes + "), was "
          + maxQueuedOutputBytesTotal);
    }
  }

  /**
   * The default of {@code maxQueuedOutputBytesTotal} for a heap of {@code maxHeapBytes}: a
   * quarter of it, at most {@link #DEFAULT_MAX_QUEUED_OUTPUT_BYTES_TOTAL}, at least
   * {@code maxQueuedOutputBytes}.
   */
  public static long defaultMaxQueuedOutputBytesTotal(long maxHeapBytes,
      int maxQueuedOutputBytes) {
    return Math.max(maxQueuedOutputBytes,
        Math.min(DEFAULT_MAX_QUEUED_OUTPUT_BYTES_TOTAL, maxHeapBytes / 4));
  }

  private static void requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}
