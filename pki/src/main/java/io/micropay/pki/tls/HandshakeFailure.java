package io.micropay.pki.tls;

import java.util.Locale;

/**
 * A failed TLS handshake as {@link HandshakeFailures} classifies it: the kind of failure, for
 * counting (the server's {@code micropay_handshakes_total{reason=...}}), and the one line the
 * logs and users read. Both come from the one classification, so a metric and a log line never
 * disagree about why a handshake failed.
 *
 * @param reason the kind of failure
 * @param description what went wrong, in micropay's terms
 */
public record HandshakeFailure(Reason reason, String description) {

  /** The kinds of handshake failure; {@link #label} is the metric label value. */
  public enum Reason {
    NO_CERTIFICATE, UNKNOWN_CA, EXPIRED, NOT_YET_VALID, REVOKED, REVOCATION_UNKNOWN, WRONG_ROLE,
    PROTOCOL_VERSION, CIPHER_SUITE, APPLICATION_PROTOCOL, NOT_TLS, HOST_NAME,
    REFUSED_BY_PEER, TIMEOUT, CLOSED, DROPPED, OTHER;

    /** The label value: the name in lower case, such as {@code revoked}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
