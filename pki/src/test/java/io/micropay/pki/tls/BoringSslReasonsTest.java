package io.micropay.pki.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micropay.pki.tls.HandshakeFailure.Reason;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * BoringSSL's failures, in the words Conscrypt throws them (taken from real handshakes), read into
 * the same reasons and lines as the JDK's; an alert the other side sent is its verdict.
 */
class BoringSslReasonsTest {

  private static HandshakeFailure classify(String code) {
    return HandshakeFailures.classify(new SSLHandshakeException("Read error: ssl=0x7f2a98001328: "
        + "Failure in SSL library, usually a protocol error\nerror:100000c0:SSL routines:"
        + "OPENSSL_internal:" + code + " (external/boringssl/src/ssl/tls13_both.cc:348 "
        + "0x7f2ab4b21ea2:0x00000000)"));
  }

  @Test
  void thisSidesOwnVerdictsHaveTheirReasons() {
    assertEquals(Reason.NO_CERTIFICATE, classify("PEER_DID_NOT_RETURN_A_CERTIFICATE").reason());
    assertEquals(Reason.PROTOCOL_VERSION, classify("UNSUPPORTED_PROTOCOL").reason());
    assertEquals(Reason.CIPHER_SUITE, classify("NO_SHARED_CIPHER").reason());
    assertEquals(Reason.NOT_TLS, classify("WRONG_VERSION_NUMBER").reason());
    assertEquals(Reason.NOT_TLS, classify("HTTP_REQUEST").reason());
    assertEquals(Reason.APPLICATION_PROTOCOL, classify("NO_APPLICATION_PROTOCOL").reason());
    assertEquals(Reason.OTHER, classify("SOMETHING_NEW").reason());
  }

  @Test
  void anAlertTheOtherSideSentIsItsRefusalInTheJdksWords() {
    assertEquals(new HandshakeFailure(Reason.REFUSED_BY_PEER,
            "the other side refused our certificate: it is revoked"),
        classify("SSLV3_ALERT_CERTIFICATE_REVOKED"));
    assertEquals(new HandshakeFailure(Reason.REFUSED_BY_PEER,
            "the other side refused our certificate (certificate_unknown)"),
        classify("SSLV3_ALERT_CERTIFICATE_UNKNOWN"));
    assertEquals(new HandshakeFailure(Reason.REFUSED_BY_PEER,
            "the other side requires a client certificate and we sent none"),
        classify("TLSV1_ALERT_CERTIFICATE_REQUIRED"));
    assertEquals(new HandshakeFailure(Reason.REFUSED_BY_PEER,
            "the other side refused the handshake (fatal alert: unknown_ca)"),
        classify("TLSV1_ALERT_UNKNOWN_CA"));
    assertEquals(Reason.APPLICATION_PROTOCOL,
        classify("TLSV1_ALERT_NO_APPLICATION_PROTOCOL").reason());
  }

  @Test
  void theJdksRefusalReadsTheSame() {
    assertEquals(classify("SSLV3_ALERT_CERTIFICATE_REVOKED"), HandshakeFailures.classify(
        new SSLHandshakeException("Received fatal alert: certificate_revoked")));
    assertEquals(classify("PEER_DID_NOT_RETURN_A_CERTIFICATE").description(),
        HandshakeFailures.describe(new SSLHandshakeException("Empty client certificate chain")));
  }
}
