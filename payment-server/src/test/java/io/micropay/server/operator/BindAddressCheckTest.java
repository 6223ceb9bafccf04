package io.micropay.server.operator;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.pki.testing.TestPki;
import io.micropay.pki.x509.Pem;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up warning for a server certificate that does not name the --bind address. */
class BindAddressCheckTest {
  @TempDir
  Path directory;

  @Test
  void warnsOnlyWhenNoNameOfTheCertificateIsOrResolvesToTheBindAddress() throws Exception {
    TestPki pki = TestPki.create(directory);
    // DNS:localhost and IP:127.0.0.1.
    X509Certificate certificate = Pem.readCertificate(pki.layout().serverCertificate());
    assertTrue(BindAddressCheck.warning(certificate, InetAddress.getByName("127.0.0.1"))
        .isEmpty());
    assertTrue(BindAddressCheck.warning(certificate, InetAddress.getByName("0.0.0.0"))
        .isEmpty(), "any address includes loopback, which the certificate names");
    String warning = BindAddressCheck.warning(certificate, InetAddress.getByName("127.0.0.2"))
        .orElseThrow();
    assertTrue(warning.contains("DNS:localhost, IP:127.0.0.1") && warning.contains("127.0.0.2")
        && warning.contains("--san IP:"), warning);
  }
}
