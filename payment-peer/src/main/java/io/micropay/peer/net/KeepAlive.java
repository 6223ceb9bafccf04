package io.micropay.peer.net;

import java.time.Duration;

/**
 * How a payee's listener keeps a payer's connection open for the next payment (a compatible
 * extension of PROTOCOL.md section 5, see docs/protocol.md): after a complete exchange it waits up
 * to {@code idle} for another request on the same connection, and serves at most
 * {@code maxRequests} requests on one connection before it closes it. A payer that closes after
 * its relay, as section 5 says, never notices.
 *
 * @param idle how long a kept connection may wait for its next request
 * @param maxRequests requests served on one connection, at least 1 (1: no keep-alive)
 */
public record KeepAlive(Duration idle, int maxRequests) {
  /** Requests one connection may carry at most. */
  public static final int MAX_REQUESTS_LIMIT = 10_000;
  /** The listener's defaults: a few seconds of idle, a fresh handshake every 100 payments. */
  public static final KeepAlive DEFAULT = new KeepAlive(Duration.ofSeconds(5), 100);

  public KeepAlive {
    if (idle.isNegative() || idle.isZero() || idle.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("keep-alive idle time must be above 0 and at most"
          + " 1 minute, not " + idle);
    }
    if (maxRequests < 1 || maxRequests > MAX_REQUESTS_LIMIT) {
      throw new IllegalArgumentException("requests per connection must be 1 to "
          + MAX_REQUESTS_LIMIT + ", not " + maxRequests);
    }
  }
}
