package io.micropay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.pki.tls.TlsEngine;
import io.micropay.pki.testing.TestPki;
import io.micropay.testing.OpenSsl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real {@code openssl s_client}, with a peer certificate, as an independent client of a
 * server on each TLS engine: it registers, logs in, lists and exits, and the reply bytes are
 * checked exactly; with {@code -alpn} it gets version 2, version 1, or a refusal, as PROTOCOL.md
 * section 7 says.
 */
@Timeout(60)
@ParameterizedClass(name = "{0} engine")
@EnumSource(TlsEngine.class)
class OpensslClientTest {
  @TempDir
  Path directory;

  @Parameter
  TlsEngine engine;

  private TestServer start() throws java.io.IOException {
    return TestServer.start(directory, settings -> settings.withTlsEngine(engine));
  }

  @Test
  void opensslDrivesASessionAndGetsTheExactReplyBytes() throws Exception {
    try (TestServer server = start()) {
      TestPki.Identity alice = server.pki().peer("alice");
      String input = "REGISTER#alice\r\nalice#6000\nList\r\nExit\r\n";
      OpenSsl.Result result = OpenSsl.run(Duration.ofSeconds(30),
          input.getBytes(StandardCharsets.US_ASCII), "s_client", "-connect",
          "127.0.0.1:" + server.port(), "-cert", alice.certificate().toString(), "-key",
          alice.key().toString(), "-CAfile", server.pki().layout().caCertificate().toString(),
          "-verify_return_error", "-verify_ip", "127.0.0.1", "-quiet", "-ign_eof");
      String key = Base64.getEncoder().encodeToString(
          server.server().tls().certificate().getPublicKey().getEncoded());
      String list = "10000\r\n" + key + "\r\n1\r\nalice#127.0.0.1#6000\r\n";
      assertEquals("100 OK\r\n" + list + list + "Bye\r\n", result.stdout(), result.stderr());
      assertEquals(0, result.exitCode(), result.output());
    }
  }

  @Test
  void opensslWithoutAClientCertificateIsRefused() throws Exception {
    try (TestServer server = start()) {
      OpenSsl.Result result = OpenSsl.run(Duration.ofSeconds(30),
          "List\r\n".getBytes(StandardCharsets.US_ASCII), "s_client", "-connect",
          "127.0.0.1:" + server.port(), "-CAfile",
          server.pki().layout().caCertificate().toString(), "-quiet", "-ign_eof");
      assertTrue(!result.stdout().contains("230") && !result.stdout().contains("220"),
          "no protocol reply without a certificate: " + result.output());
      assertTrue(result.stderr().contains("alert") || result.exitCode() != 0, result.output());
    }
  }

  @Test
  void opensslOfferingVersion2GetsItSelected() throws Exception {
    try (TestServer server = start()) {
      OpenSsl.Result result = alpnClient(server, "micropay/2", "PING\r\nExit\r\n");
      assertTrue(result.stdout().contains("ALPN protocol: micropay/2"), result.output());
      assertTrue(result.stdout().contains("PONG\r\nBye\r\n"), result.output());
    }
  }

  @Test
  void opensslOfferingOnlyAnUnknownVersionIsRefusedAtTheHandshake() throws Exception {
    try (TestServer server = start()) {
      OpenSsl.Result result = alpnClient(server, "micropay/3", "List\r\n");
      assertTrue(result.output().contains("no application protocol"), result.output());
      assertTrue(!result.stdout().contains("220") && !result.stdout().contains("230"),
          result.output());
    }
  }

  @Test
  void opensslOfferingAnotherFamilySpeaksVersion1() throws Exception {
    try (TestServer server = start()) {
      OpenSsl.Result result = alpnClient(server, "http/1.1", "PING\r\nExit\r\n");
      assertTrue(result.stdout().contains("No ALPN negotiated"), result.output());
      assertTrue(result.stdout().contains("230 Input format error\r\nBye\r\n"),
          result.output());
    }
  }

  private static OpenSsl.Result alpnClient(TestServer server, String alpn, String input) {
    TestPki.Identity alice = server.pki().peer("alice");
    return OpenSsl.run(Duration.ofSeconds(30), input.getBytes(StandardCharsets.US_ASCII),
        "s_client", "-connect", "127.0.0.1:" + server.port(), "-alpn", alpn, "-cert",
        alice.certificate().toString(), "-key", alice.key().toString(), "-CAfile",
        server.pki().layout().caCertificate().toString(), "-verify_return_error",
        "-verify_ip", "127.0.0.1", "-ign_eof");
  }
}
