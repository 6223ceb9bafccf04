package io.micropay.pki.tls;

import io.micropay.pki.x509.CertificateRejectedException;
import java.io.EOFException;
import java.net.SocketTimeoutException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Turns what the JDK throws from a failed TLS handshake into one line that says what went wrong
 * in terms of micropay's rules, for logs and for the peer's error messages.
 */
public final class HandshakeFailures {
  /** How deep into a chain of causes to look; causes do not nest deeper in practice. */
  private static final int MAX_CAUSE_DEPTH = 8;

  private HandshakeFailures() {
  }

  /** One line describing why a handshake failed. */
  public static String describe(Throwable failure) {
    Throwable cause = failure;
    for (int depth = 0; cause != null && depth < MAX_CAUSE_DEPTH; depth++) {
      if (cause instanceof CertificateRejectedException rejected) {
        return rejected.getMessage();
      }
      if (cause instanceof SocketTimeoutException timeout) {
        return timeout.getMessage() != null && timeout.getMessage().contains("TLS handshake")
            ? timeout.getMessage() : "the TLS handshake did not finish in time";
      }
      cause = cause.getCause();
    }
    return describeMessage(failure);
  }

  private static String describeMessage(Throwable failure) {
    String message = failure.getMessage() == null ? "" : failure.getMessage();
    String lower = message.toLowerCase(Locale.ROOT);
    if (lower.contains("empty client certificate chain")
        || lower.contains("peer did not send a certificate")) {
      return "the client sent no certificate; a peer certificate from this deployment's CA "
          + "is required";
    }
    if (lower.contains("no appropriate protocol") || lower.contains("protocol_version")
        || lower.contains("client requested protocol") || lower.contains("unsupported protocol")) {
      return "no common TLS version: micropay speaks TLS 1.3, and TLS 1.2 with ECDHE and AEAD "
          + "only (" + message + ")";
    }
    if (lower.contains("no cipher suites in common") || lower.contains("handshake_failure")
        && lower.contains("received fatal alert")) {
      return "no common cipher suite: micropay allows TLS 1.3 suites and TLS 1.2 ECDHE with "
          + "AES-GCM or ChaCha20-Poly1305 only (" + message + ")";
    }
    if (lower.contains("unsupported or unrecognized ssl message")
        || lower.contains("plaintext connection")) {
      return "the other side does not speak TLS (plain text or garbage instead of a TLS record)";
    }
    if (lower.contains("no_application_protocol")
        || lower.contains("no matching application layer protocol")
        || lower.contains("application protocol selector")) {
      return "no common protocol version: the other side speaks none of the micropay versions "
          + "offered in TLS ALPN (" + message + ")";
    }
    if (lower.contains("no subject alternative")) {
      return "the server certificate is not for the host we dialled: " + message;
    }
    // The alert names below are only the other side's verdict when it sent them: the JDK puts
    // the alert it sends itself into its own exception's message too.
    boolean received = lower.contains("received fatal alert");
    if (received && lower.contains("certificate_revoked")) {
      return "the other side refused our certificate: it is revoked";
    }
    if (received && lower.contains("certificate_expired")) {
      return "the other side refused our certificate: it has expired or is not valid yet";
    }
    if (received && lower.contains("certificate_unknown")) {
      return "the other side refused our certificate (certificate_unknown)";
    }
    if (received && lower.contains("certificate_required")) {
      return "the other side requires a client certificate and we sent none";
    }
    if (received) {
      return "the other side refused the handshake (" + message.replace("Received ", "") + ")";
    }
    if (failure instanceof EOFException || lower.contains("remote host terminated")
        || lower.contains("connection reset") || lower.contains("broken pipe")
        || lower.contains("socket closed")) {
      return "the other side closed the connection during the TLS handshake";
    }
    if (failure instanceof SSLException) {
      return "TLS handshake failed: " + message;
    }
    return failure.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
  }
}
