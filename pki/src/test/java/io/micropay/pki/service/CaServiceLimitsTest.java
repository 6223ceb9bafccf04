package io.micropay.pki.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.pki.CertificateAuthority.ExistingCertificate;
import io.micropay.pki.EnrollmentRequest;
import io.micropay.pki.EnrollmentToken;
import io.micropay.pki.Enrollments;
import io.micropay.pki.KeyAlgorithm;
import io.micropay.pki.PkiException;
import io.micropay.pki.Role;
import io.micropay.pki.client.CaClient;
import io.micropay.pki.testing.TestCaService;
import io.micropay.pki.testing.TestPki;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every limit of the CA service at its boundary, each refusal answered, counted and logged. */
@Timeout(60)
class CaServiceLimitsTest {
  @TempDir
  Path directory;

  @Test
  void aBodyAtTheLimitIsReadAndOneByteMoreIsRefusedUnread() throws Exception {
    TestPki pki = TestPki.create(directory);
    try (CaService service = TestCaService.start(pki)) {
      URI ocsp = service.urls().ocsp();
      assertEquals(200, post(ocsp, new byte[Exchanges.MAX_BODY_BYTES]).statusCode(),
          "a malformed request at the limit gets an OCSP malformedRequest answer");
      HttpResponse<String> over = post(ocsp, new byte[Exchanges.MAX_BODY_BYTES + 1]);
      assertEquals(413, over.statusCode());
      assertTrue(over.body().contains("larger than " + Exchanges.MAX_BODY_BYTES), over.body());
      assertEquals(413, chunkedStatus(ocsp, Exchanges.MAX_BODY_BYTES + 1),
          "a body without a length is cut off at the limit too");
      assertEquals(2L, service.refusals().get("size"));
    }
  }

  @Test
  void anAddressOverItsRequestsPerSecondGets429() throws Exception {
    TestPki pki = TestPki.create(directory);
    int perSecond = 5;
    try (CaService service = TestCaService.start(pki, Duration.ofDays(1), Duration.ofDays(1),
        perSecond, Clock.systemUTC())) {
      int refused = 0;
      // A burst of twice the bucket, sent well inside one second on any machine: at most
      // perSecond plus what refills meanwhile get through.
      for (int i = 0; i < 4 * perSecond; i++) {
        HttpResponse<String> answer = get(service.urls().crl());
        refused += answer.statusCode() == 429 ? 1 : 0;
      }
      assertTrue(refused >= perSecond, refused + " refused of " + 4 * perSecond);
      assertEquals(refused, service.refusals().get("rate"));
    }
  }

  @Test
  void anAddressThatSendsTooManyRefusedTokensIsRefusedEvenWithAGoodOne() {
    TestPki pki = TestPki.create(directory);
    try (CaService service = TestCaService.start(pki)) {
      Enrollments enrollments = new Enrollments(pki.ca(), Clock.systemUTC());
      EnrollmentToken good = enrollments.issue("alice", Duration.ofHours(1),
          ExistingCertificate.REFUSE);
      CaClient client = new CaClient(service.serviceUrl());
      for (int i = 0; i < 5; i++) {
        EnrollmentToken guess = EnrollmentToken.create("alice", pki.ca().caCertificate(),
            new SecureRandom());
        PkiException refused = org.junit.jupiter.api.Assertions.assertThrows(
            PkiException.class, () -> client.enroll(guess, csr("alice")));
        assertTrue(refused.getMessage().contains("never issued"), refused.getMessage());
      }
      PkiException blocked = org.junit.jupiter.api.Assertions.assertThrows(PkiException.class,
          () -> client.enroll(good, csr("alice")));
      assertTrue(blocked.getMessage().contains("HTTP 429")
          && blocked.getMessage().contains("too many refused enrollment tokens"),
          blocked.getMessage());
      assertEquals(5L, service.refusals().get("token"));
      assertEquals(1L, service.refusals().get("token_failures"));
    }
  }

  private static KeyPair key() {
    return KeyAlgorithm.EC_P256.generate(new SecureRandom());
  }

  private static org.bouncycastle.pkcs.PKCS10CertificationRequest csr(String name) {
    KeyPair key = key();
    return EnrollmentRequest.csr(name, Role.PEER, key.getPublic(), key.getPrivate());
  }

  private static HttpResponse<String> post(URI url, byte[] body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(url)
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(URI url) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(url)
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The status of a chunked POST of {@code size} bytes, written by hand. */
  private static int chunkedStatus(URI url, int size) throws IOException {
    try (Socket socket = new Socket(url.getHost(), url.getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + url.getPath() + " HTTP/1.1\r\nHost: " + url.getAuthority()
          + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[size]);
      out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status = new String(socket.getInputStream().readNBytes(12),
          StandardCharsets.US_ASCII);
      return Integer.parseInt(status.substring(9, 12));
    }
  }
}
