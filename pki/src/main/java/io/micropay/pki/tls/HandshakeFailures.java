package io.micropay.pki.tls;

import io.micropay.pki.tls.HandshakeFailure.Reason;
import io.micropay.pki.x509.CertificateRejectedException;
import java.io.EOFException;
import java.net.SocketTimeoutException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Turns what a TLS engine throws from a failed handshake into one line that says what went wrong
 * in terms of micropay's rules, for logs and for the peer's error messages. The JDK's engine says
 * it in English sentences; BoringSSL names it in a code ({@link BoringSslReasons}). Both are read
 * into the same {@link Reason}s, and each reason has one sentence here, so a log line does not
 * depend on the engine that wrote it.
 */
public final class HandshakeFailures {
  /** How deep into a chain of causes to look; causes do not nest deeper in practice. */
  private static final int MAX_CAUSE_DEPTH = 8;

  private HandshakeFailures() {
  }

  /** One line describing why a handshake failed. */
  public static String describe(Throwable failure) {
    return classify(failure).description();
  }

  /** Why a handshake failed: its kind and the line describing it. */
  public static HandshakeFailure classify(Throwable failure) {
    Throwable cause = failure;
    for (int depth = 0; cause != null && depth < MAX_CAUSE_DEPTH; depth++) {
      if (cause instanceof CertificateRejectedException rejected) {
        return new HandshakeFailure(reasonOf(rejected.category()), rejected.getMessage());
      }
      if (cause instanceof SocketTimeoutException timeout) {
        return new HandshakeFailure(Reason.TIMEOUT,
            timeout.getMessage() != null && timeout.getMessage().contains("TLS handshake")
                ? timeout.getMessage() : "the TLS handshake did not finish in time");
      }
      cause = cause.getCause();
    }
    return BoringSslReasons.classify(failure).orElseGet(() -> classifyJdkMessage(failure));
  }

  /**
   * The line for a failure of kind {@code reason}; {@code detail} is what the engine said (for
   * a refusal by the other side, the alert's name in lower case, such as
   * {@code certificate_revoked}).
   */
  static HandshakeFailure of(Reason reason, String detail) {
    return new HandshakeFailure(reason, switch (reason) {
      case NO_CERTIFICATE -> "the client sent no certificate; a certificate from this "
          + "deployment's CA is required";
      case PROTOCOL_VERSION -> "no common TLS version: micropay speaks TLS 1.3, and TLS 1.2 "
          + "with ECDHE and AEAD only (" + detail + ")";
      case CIPHER_SUITE -> "no common cipher suite: micropay allows TLS 1.3 suites and TLS 1.2 "
          + "ECDHE with AES-GCM or ChaCha20-Poly1305 only (" + detail + ")";
      case NOT_TLS -> "the other side does not speak TLS (plain text or garbage instead of a "
          + "TLS record)";
      case APPLICATION_PROTOCOL -> "no common protocol version: the other side speaks none of "
          + "the micropay versions offered in TLS ALPN (" + detail + ")";
      case HOST_NAME -> "the server certificate is not for the host we dialled: " + detail;
      case REFUSED_BY_PEER -> refusal(detail);
      case CLOSED -> "the other side closed the connection during the TLS handshake";
      default -> "TLS handshake failed: " + detail;
    });
  }

  private static Reason reasonOf(CertificateRejectedException.Category category) {
    return switch (category) {
      case NO_CERTIFICATE -> Reason.NO_CERTIFICATE;
      case UNKNOWN_CA -> Reason.UNKNOWN_CA;
      case EXPIRED -> Reason.EXPIRED;
      case NOT_YET_VALID -> Reason.NOT_YET_VALID;
      case WRONG_ROLE -> Reason.WRONG_ROLE;
      case REVOKED -> Reason.REVOKED;
      case REVOCATION_UNKNOWN -> Reason.REVOCATION_UNKNOWN;
      case OTHER -> Reason.OTHER;
    };
  }

  /** The JDK's engine: its exception texts. */
  private static HandshakeFailure classifyJdkMessage(Throwable failure) {
    String message = failure.getMessage() == null ? "" : failure.getMessage();
    String lower = message.toLowerCase(Locale.ROOT);
    if (lower.contains("empty client certificate chain")
        || lower.contains("peer did not send a certificate")) {
      return of(Reason.NO_CERTIFICATE, message);
    }
    if (lower.contains("no appropriate protocol") || lower.contains("protocol_version")
        || lower.contains("client requested protocol") || lower.contains("unsupported protocol")) {
      return of(Reason.PROTOCOL_VERSION, message);
    }
    if (lower.contains("no cipher suites in common") || lower.contains("handshake_failure")
        && lower.contains("received fatal alert")) {
      return of(Reason.CIPHER_SUITE, message);
    }
    if (lower.contains("unsupported or unrecognized ssl message")
        || lower.contains("plaintext connection")) {
      return of(Reason.NOT_TLS, message);
    }
    if (lower.contains("no_application_protocol")
        || lower.contains("no matching application layer protocol")
        || lower.contains("application protocol selector")) {
      return of(Reason.APPLICATION_PROTOCOL, message);
    }
    if (lower.contains("no subject alternative")) {
      return of(Reason.HOST_NAME, message);
    }
    // The alert names below are only the other side's verdict when it sent them: the JDK puts
    // the alert it sends itself into its own exception's message too.
    if (lower.contains("received fatal alert")) {
      return of(Reason.REFUSED_BY_PEER, message.replace("Received ", ""));
    }
    if (failure instanceof EOFException || lower.contains("remote host terminated")
        || lower.contains("connection reset") || lower.contains("broken pipe")
        || lower.contains("socket closed")) {
      return of(Reason.CLOSED, message);
    }
    if (failure instanceof SSLException) {
      return of(Reason.OTHER, message);
    }
    return new HandshakeFailure(Reason.OTHER, failure.getClass().getSimpleName()
        + (message.isEmpty() ? "" : ": " + message));
  }

  /** What the alert the other side sent says ({@code alert}: fatal alert: certificate_revoked). */
  private static String refusal(String alert) {
    String lower = alert.toLowerCase(Locale.ROOT);
    if (lower.contains("certificate_revoked")) {
      return "the other side refused our certificate: it is revoked";
    }
    if (lower.contains("certificate_expired")) {
      return "the other side refused our certificate: it has expired or is not valid yet";
    }
    if (lower.contains("certificate_unknown")) {
      return "the other side refused our certificate (certificate_unknown)";
    }
    if (lower.contains("certificate_required")) {
      return "the other side requires a client certificate and we sent none";
    }
    return "the other side refused the handshake (" + alert + ")";
  }
}
