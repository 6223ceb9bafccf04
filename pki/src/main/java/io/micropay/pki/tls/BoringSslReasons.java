package io.micropay.pki.tls;

import io.micropay.pki.tls.HandshakeFailure.Reason;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * BoringSSL's words for why a handshake failed. Its exceptions (through Conscrypt) end in a line
 * such as {@code error:100000c0:SSL routines:OPENSSL_internal:PEER_DID_NOT_RETURN_A_CERTIFICATE
 * (file:line ...)}: the code after {@code OPENSSL_internal:} is the reason. An alert the other
 * side sent is a code of its own, {@code SSLV3_ALERT_<NAME>} or {@code TLSV1_ALERT_<NAME>}; an
 * alert this side sends never appears in its own error, so such a code is always the other
 * side's verdict.
 */
final class BoringSslReasons {
  private static final Pattern CODE = Pattern.compile("OPENSSL_internal:([A-Z0-9_]+)");
  private static final String UNPARSEABLE_RECORD = "Unable to parse TLS packet header";
  private static final Pattern ALERT = Pattern.compile("(?:SSLV3|TLSV1)_ALERT_([A-Z0-9_]+)");

  /** Codes of this side's own verdicts, by the reason they mean. */
  private static final Map<String, Reason> CODES = Map.ofEntries(
      Map.entry("PEER_DID_NOT_RETURN_A_CERTIFICATE", Reason.NO_CERTIFICATE),
      Map.entry("UNSUPPORTED_PROTOCOL", Reason.PROTOCOL_VERSION),
      Map.entry("NO_SHARED_CIPHER", Reason.CIPHER_SUITE),
      Map.entry("NO_SHARED_GROUP", Reason.CIPHER_SUITE),
      Map.entry("NO_COMMON_SIGNATURE_ALGORITHMS", Reason.CIPHER_SUITE),
      Map.entry("WRONG_VERSION_NUMBER", Reason.NOT_TLS),
      Map.entry("HTTP_REQUEST", Reason.NOT_TLS),
      Map.entry("HTTPS_PROXY_REQUEST", Reason.NOT_TLS),
      Map.entry("UNEXPECTED_RECORD", Reason.NOT_TLS),
      Map.entry("EXCESSIVE_MESSAGE_SIZE", Reason.NOT_TLS),
      Map.entry("DECODE_ERROR", Reason.NOT_TLS),
      Map.entry("NO_APPLICATION_PROTOCOL", Reason.APPLICATION_PROTOCOL),
      Map.entry("CERTIFICATE_VERIFY_FAILED", Reason.OTHER));

  /** Alerts the other side sent that name a reason better than "it refused". */
  private static final Map<String, Reason> ALERTS = Map.of(
      "PROTOCOL_VERSION", Reason.PROTOCOL_VERSION,
      "HANDSHAKE_FAILURE", Reason.CIPHER_SUITE,
      "NO_APPLICATION_PROTOCOL", Reason.APPLICATION_PROTOCOL);

  private BoringSslReasons() {
  }

  /** The classification of a BoringSSL failure; empty when {@code failure} is not one. */
  static Optional<HandshakeFailure> classify(Throwable failure) {
    String message = failure.getMessage();
    if (message == null) {
      return Optional.empty();
    }
    if (message.startsWith(UNPARSEABLE_RECORD)) {
      // Conscrypt's own check of the record header, before BoringSSL sees the bytes.
      return Optional.of(HandshakeFailures.of(Reason.NOT_TLS, message));
    }
    Matcher code = CODE.matcher(message);
    if (!code.find()) {
      return Optional.empty();
    }
    String name = code.group(1);
    Matcher alert = ALERT.matcher(name);
    if (alert.matches()) {
      String alertName = alert.group(1).toLowerCase(Locale.ROOT);
      Reason reason = ALERTS.getOrDefault(alert.group(1), Reason.REFUSED_BY_PEER);
      return Optional.of(HandshakeFailures.of(reason, "fatal alert: " + alertName));
    }
    return Optional.of(HandshakeFailures.of(CODES.getOrDefault(name, Reason.OTHER), name));
  }
}
