package io.micropay.peer;

import io.micropay.pki.Passphrase;
import io.micropay.pki.PkiLayout;
import io.micropay.pki.tls.TlsEngineChoice;
import io.micropay.protocol.Limits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a peer needs, checked once when made.
 *
 * @param pki the CA certificate and CRL
 * @param certificate this peer's certificate; its CN is the account name
 * @param key this peer's private key
 * @param keyPassphrase the key's passphrase, if it is encrypted
 * @param servers the payment servers, tried in turn; each host is checked against the
 *     server's certificate
 * @param listenPort the port of this peer's listener; 0 picks a free one
 * @param connectTimeout how long to wait for a TCP connection and TLS handshake
 * @param replyTimeout how long to wait for the server's reply to a request
 * @param decisionTimeout how long a payer waits for the payee's OK or DECLINE
 * @param promptTimeout how long a payee waits for its user before declining with TIMEOUT
 * @param policy how this peer decides on incoming payments
 * @param autoMaxUnits the largest amount accepted automatically under {@link AcceptPolicy#AUTO}
 * @param reportAttempts how many times a transfer report is sent (same id) when the server
 *     connection drops
 * @param reportWait how long a report waits, at most, for a lost session to be back
 * @param tlsEngine the TLS engine of this peer's connections and listener
 */
public record PeerConfig(PkiLayout pki, Path certificate, Path key, Passphrase keyPassphrase,
    List<ServerAddress> servers, int listenPort, Duration connectTimeout,
    Duration replyTimeout, Duration decisionTimeout, Duration promptTimeout,
    AcceptPolicy policy, long autoMaxUnits, int reportAttempts, Duration reportWait,
    TlsEngineChoice tlsEngine) {

  /** The most report attempts allowed. */
  public static final int MAX_REPORT_ATTEMPTS = 10;
  /** How long a report waits for the link to the server to be back, unless told otherwise. */
  public static final Duration DEFAULT_REPORT_WAIT = Duration.ofSeconds(60);
  /** The longest timeout accepted. */
  public static final Duration MAX_TIMEOUT = Duration.ofHours(1);

  /** As the canonical constructor, on the native TLS engine where it loads. */
  public PeerConfig(PkiLayout pki, Path certificate, Path key, Passphrase keyPassphrase,
      List<ServerAddress> servers, int listenPort, Duration connectTimeout,
      Duration replyTimeout, Duration decisionTimeout, Duration promptTimeout,
      AcceptPolicy policy, long autoMaxUnits, int reportAttempts, Duration reportWait) {
    this(pki, certificate, key, keyPassphrase, servers, listenPort, connectTimeout, replyTimeout,
        decisionTimeout, promptTimeout, policy, autoMaxUnits, reportAttempts, reportWait,
        TlsEngineChoice.automatic());
  }

  public PeerConfig {
    Objects.requireNonNull(tlsEngine, "tlsEngine");
    servers = List.copyOf(servers);
    if (servers.isEmpty() || servers.size() > ServerAddress.MAX_SERVERS) {
      throw new IllegalArgumentException("1 to " + ServerAddress.MAX_SERVERS
          + " servers are required, not " + servers.size());
    }
    if (listenPort != 0) {
      requireRange("listen port", listenPort, Limits.MIN_PORT, Limits.MAX_PORT);
    }
    for (Duration timeout : new Duration[] {connectTimeout, replyTimeout, decisionTimeout,
        promptTimeout, reportWait}) {
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
