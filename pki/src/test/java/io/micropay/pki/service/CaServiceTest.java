package io.micropay.pki.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.pki.CertificateAuthority.ExistingCertificate;
import io.micropay.pki.EnrollmentRequest;
import io.micropay.pki.EnrollmentToken;
import io.micropay.pki.Enrollments;
import io.micropay.pki.KeyAlgorithm;
import io.micropay.pki.Passphrase;
import io.micropay.pki.PkiException;
import io.micropay.pki.PkiLayout;
import io.micropay.pki.RevocationReason;
import io.micropay.pki.Role;
import io.micropay.pki.TlsFactory;
import io.micropay.pki.client.CaClient;
import io.micropay.pki.client.CertificateRenewal;
import io.micropay.pki.client.PeerEnrollment.ExistingKey;
import io.micropay.pki.client.PeerEnrollment;
import io.micropay.pki.testing.TestCaService;
import io.micropay.pki.testing.TestPki;
import io.micropay.pki.x509.Pem;
import io.micropay.pki.x509.RevocationPointers;
import io.micropay.pki.x509.Subjects;
import io.micropay.testing.OpenSsl;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CA service over real HTTPS and HTTP on 127.0.0.1, with the {@code openssl} command line
 * as the independent OCSP and CRL client: token enrollment, renewal, self-revocation, and the
 * certificates' URLs serving what they should.
 */
@Timeout(120)
class CaServiceTest {
  private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(30);

  @TempDir
  Path directory;

  private TestPki pki;
  private CaService service;
  private Path peerFolder;

  @BeforeEach
  void start() {
    pki = TestPki.create(directory.resolve("ca"));
    service = TestCaService.start(pki);
    peerFolder = directory.resolve("alice-machine");
  }

  @AfterEach
  void stop() {
    service.close();
  }

  @Test
  void opensslSaysGoodThenRevokedAndTheCrlFromTheDistributionPointListsTheSerial() {
    X509Certificate alice = Pem.readCertificate(pki.peer("alice").certificate());
    URI ocsp = RevocationPointers.ocsp(alice).orElseThrow();
    URI crl = RevocationPointers.crl(alice).orElseThrow();
    assertEquals(service.urls().ocsp(), ocsp);
    assertTrue(ocspStatus(ocsp).contains(": good"), ocspStatus(ocsp));
    pki.revoke("alice");
    String revoked = ocspStatus(ocsp);
    assertTrue(revoked.contains(": revoked") && revoked.contains("keyCompromise"), revoked);
    Path der = directory.resolve("fetched.crl");
    OpenSsl.Result fetch = OpenSsl.run(OPENSSL_TIMEOUT, "crl", "-inform", "DER", "-in",
        download(crl, der).toString(), "-noout", "-text");
    assertEquals(0, fetch.exitCode(), fetch.output());
    assertTrue(fetch.stdout().contains("Serial Number: "
        + Subjects.serialHex(alice.getSerialNumber())), fetch.output());
  }

  @Test
  void aTokenEnrollsItsNameOnceWithTheKeyNeverInTheCaFolder() throws Exception {
    EnrollmentToken token = token("alice", ExistingCertificate.REFUSE);
    PeerEnrollment.Enrolled enrolled = PeerEnrollment.enroll(service.serviceUrl(), token,
        new PkiLayout(peerFolder), KeyAlgorithm.EC_P256, Passphrase.none(), ExistingKey.REFUSE);
    assertEquals("rw-------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(enrolled.keyFile())));
    assertEquals(token.caFingerprint(), EnrollmentToken.fingerprint(
        Pem.readCertificate(peerFolder.resolve("ca.crt"))));
    assertEquals(service.serviceUrl().toString(),
        Files.readString(peerFolder.resolve("ca-service.url")).strip());
    try (Stream<Path> files = Files.walk(directory.resolve("ca"))) {
      byte[] key = Files.readAllBytes(enrolled.keyFile());
      assertFalse(files.filter(Files::isRegularFile).anyMatch(file -> sameBytes(file, key)),
          "no file of the CA folder holds the peer's key");
    }
    TlsFactory alice = peerTls(enrolled);
    assertEquals("alice", alice.accountName());

    PkiException reused = assertThrows(PkiException.class, () -> PeerEnrollment.enroll(
        service.serviceUrl(), token, new PkiLayout(directory.resolve("again")),
        KeyAlgorithm.EC_P256, Passphrase.none(), ExistingKey.REFUSE));
    assertTrue(reused.getMessage().contains("already used"), reused.getMessage());
  }

  @Test
  void anExpiredTokenABobTokenUsedAsAliceAndAnotherCasTokenAreRefusedSayingWhich() {
    EnrollmentToken expired = new Enrollments(pki.ca(), Clock.offset(Clock.systemUTC(),
        Duration.ofHours(-2))).issue("alice", Duration.ofHours(1), ExistingCertificate.REFUSE);
    assertRefused(expired, "alice", "expired at");
    EnrollmentToken bobs = token("bob", ExistingCertificate.REFUSE);
    assertRefused(bobs, "alice", "this token is for 'bob', not for 'alice'");
    EnrollmentToken foreign = new EnrollmentToken("alice", bobs.secret(), "ab".repeat(32));
    PkiException wrongCa = assertThrows(PkiException.class, () -> new CaClient(
        service.serviceUrl()).enroll(foreign, csr("alice")));
    assertTrue(wrongCa.getMessage().contains("not the token's"), wrongCa.getMessage());
    assertEquals(2, service.refusals().get("token"));
    // The refused tokens spent nothing: bob's still enrolls bob.
    new CaClient(service.serviceUrl()).enroll(bobs, csr("bob"));
  }

  @Test
  void aPeerRenewsOverMutualTlsAndRevokesItselfAfterwhichItCannotRenew() {
    PeerEnrollment.Enrolled enrolled = PeerEnrollment.enroll(service.serviceUrl(),
        token("alice", ExistingCertificate.REFUSE), new PkiLayout(peerFolder),
        KeyAlgorithm.EC_P256, Passphrase.none(), ExistingKey.REFUSE);
    TlsFactory alice = peerTls(enrolled);
    X509Certificate first = alice.certificate();
    X509Certificate renewed = CertificateRenewal.renewNow(alice, service.serviceUrl(),
        enrolled.certificateFile());
    assertNotEquals(first.getSerialNumber(), renewed.getSerialNumber());
    assertEquals(first.getPublicKey(), renewed.getPublicKey(), "the key stays");
    assertEquals(renewed, alice.certificate(), "the factory presents the renewed one");
    assertEquals(renewed, Pem.readCertificate(enrolled.certificateFile()));
    assertTrue(pki.ca().verify(first).isEmpty(), "the old one is not revoked by renewal");

    String answer = new CaClient(service.serviceUrl()).revoke(alice,
        RevocationReason.KEY_COMPROMISE);
    assertTrue(answer.startsWith("revoked serial"), answer);
    assertTrue(pki.ca().verify(first).orElse("").contains("revoked"), "the old one too");
    assertTrue(pki.ca().verify(renewed).orElse("").contains("revoked"));
    PkiException again = assertThrows(PkiException.class, () -> CertificateRenewal.renewNow(
        alice, service.serviceUrl(), enrolled.certificateFile()));
    assertTrue(again.getMessage().contains("revoked"), again.getMessage());
  }

  @Test
  void anExpiredCertificateCannotRenew() {
    X509Certificate expired = Pem.readCertificate(pki.expiredPeer("carol").certificate());
    KeyPair key = KeyAlgorithm.EC_P256.generate(new SecureRandom());
    PkiException refused = assertThrows(PkiException.class, () -> pki.ca().renew(expired,
        EnrollmentRequest.csr("carol", Role.PEER, key.getPublic(), key.getPrivate()),
        io.micropay.pki.Validity.days(java.time.Instant.now(), 1)));
    assertTrue(refused.getMessage().contains("expired"), refused.getMessage());
  }

  private void assertRefused(EnrollmentToken token, String name, String why) {
    PkiException refused = assertThrows(PkiException.class,
        () -> new CaClient(service.serviceUrl()).enroll(token, csr(name)));
    assertTrue(refused.getMessage().contains(why), refused.getMessage());
  }

  private EnrollmentToken token(String name, ExistingCertificate existing) {
    return new Enrollments(pki.ca(), Clock.systemUTC()).issue(name, Duration.ofHours(1),
        existing);
  }

  private TlsFactory peerTls(PeerEnrollment.Enrolled enrolled) {
    return TlsFactory.builder().forLayout(new PkiLayout(peerFolder))
        .identity(enrolled.certificateFile(), enrolled.keyFile(), Passphrase.none(), Role.PEER)
        .build();
  }

  private static org.bouncycastle.pkcs.PKCS10CertificationRequest csr(String name) {
    KeyPair key = KeyAlgorithm.EC_P256.generate(new SecureRandom());
    return EnrollmentRequest.csr(name, Role.PEER, key.getPublic(), key.getPrivate());
  }

  private String ocspStatus(URI ocsp) {
    OpenSsl.Result result = OpenSsl.run(OPENSSL_TIMEOUT, "ocsp", "-issuer",
        pki.layout().caCertificate().toString(), "-cert",
        pki.layout().peerCertificate("alice").toString(), "-url", ocsp.toString(), "-CAfile",
        pki.layout().caCertificate().toString());
    assertEquals(0, result.exitCode(), result.output());
    assertTrue(result.output().contains("Response verify OK"), result.output());
    return result.output();
  }

  private static Path download(URI url, Path target) {
    try {
      var response = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofFile(target));
      assertEquals(200, response.statusCode());
      return target;
    } catch (Exception e) {
      throw new AssertionError("cannot fetch " + url, e);
    }
  }

  private static boolean sameBytes(Path file, byte[] content) {
    try {
      return java.util.Arrays.equals(Files.readAllBytes(file), content);
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
