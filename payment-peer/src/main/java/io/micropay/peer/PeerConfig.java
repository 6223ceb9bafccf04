package io.micropay.peer;

import io.micropay.pki.Passphrase;
import io.micropay.pki.PkiLayout;
import io.micropay.protocol.Limits;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a peer needs, checked once when made.
 *
 * @param pki the CA certificate and CRL
 * @param certificate this peer's certificate; its CN is the account name
 * @param key this peer's private key
 * @param keyPassphrase the key's passphrase, if it is encrypted
 * @param serverHost the server's host name or address, checked against its certificate
 * @param serverPort the server's port
 * @param listenPort the port of this peer's listener; 0 picks a free one
 * @param connectTimeout how long to wait for a TCP connection and TLS handshake
 * @param replyTimeout how long to wait for the server's reply to a request
 * @param decisionTimeout how long a payer waits for the payee's OK or DECLINE
 * @param promptTimeout how long a payee waits for its user before declining with TIMEOUT
 * @param policy how this peer decides on incoming payments
 * @param autoMaxUnits the largest amount accepted automatically under {@link AcceptPolicy#AUTO}
 * @param reportAttempts how many times a transfer report is sent (same id) when the server
 *     connection drops
 */
public record PeerConfig(PkiLayout pki, Path certificate, Path key, Passphrase keyPassphrase,
    String serverHost, int serverPort, int listenPort, Duration connectTimeout,
    Duration replyTimeout, Duration decisionTimeout, Duration promptTimeout,
    AcceptPolicy policy, long autoMaxUnits, int reportAttempts) {

  /** The most report attempts allowed. */
  public static final int MAX_REPORT_ATTEMPTS = 10;
  /** The longest timeout accepted. */
  public static final Duration MAX_TIMEOUT = Duration.ofHours(1);

  public PeerConfig {
    if (serverHost == null || serverHost.isBlank()) {
      throw new IllegalArgumentException("the server host is required");
    }
    requireRange("server port", serverPort, 1, Limits.MAX_PORT);
    if (listenPort != 0) {
      requireRange("listen port", listenPort, Limits.MIN_PORT, Limits.MAX_PORT);
    }
    for (Duration timeout : new Duration[] {connectTimeout, replyTimeout, decisionTimeout,
        promptTimeout}) {
      if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
        throw new IllegalArgumentException("timeouts must be more than 0 and at most 1 h, was "
            + timeout);
      }
    }
    if (decisionTimeout.compareTo(promptTimeout) <= 0) {
      // The payer must outwait the payee's prompt, or a slow "yes" would find nobody there.
      throw new IllegalArgumentException("the decision timeout (" + decisionTimeout
          + ") must be longer than the prompt timeout (" + promptTimeout + ")");
    }
    requireRange("auto-accept maximum", autoMaxUnits, 0, Limits.MAX_AMOUNT);
    requireRange("report attempts", reportAttempts, 1, MAX_REPORT_ATTEMPTS);
  }

  private static void requireRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", was "
          + value);
    }
  }
}
