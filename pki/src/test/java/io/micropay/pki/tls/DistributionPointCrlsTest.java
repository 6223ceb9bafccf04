package io.micropay.pki.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.pki.PkiException;
import io.micropay.pki.service.CaService;
import io.micropay.pki.testing.TestCaService;
import io.micropay.pki.testing.TestPki;
import io.micropay.pki.x509.CertificateChecker;
import io.micropay.pki.x509.CertificateSigner;
import io.micropay.pki.x509.Pem;
import io.micropay.testing.MovableClock;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revocations learnt from the CA service's distribution point: a revocation shows after one
 * refresh; with the CA unreachable the last good CRL serves until its nextUpdate, then every
 * certificate is refused (fail closed); a restart during the outage starts from the cached CRL.
 */
@Timeout(60)
class DistributionPointCrlsTest {
  private static final Duration REFRESH = Duration.ofSeconds(5);

  @TempDir
  Path directory;

  @Test
  void aRevocationShowsAfterOneRefresh() {
    TestPki pki = TestPki.create(directory.resolve("ca"));
    MovableClock clock = new MovableClock();
    try (CaService service = TestCaService.start(pki)) {
      X509Certificate alice = Pem.readCertificate(pki.peer("alice").certificate());
      DistributionPointCrls crls = new DistributionPointCrls(pki.ca().caCertificate(),
          directory.resolve("cache"), clock, REFRESH);
      assertTrue(CertificateChecker.revocation(alice, crls.crlFor(alice)).isEmpty());
      pki.revoke("alice");
      assertTrue(CertificateChecker.revocation(alice, crls.crlFor(alice)).isEmpty(),
          "within the refresh interval the answer is the one fetched");
      clock.advance(REFRESH);
      assertTrue(CertificateChecker.revocation(alice, crls.crlFor(alice)).isPresent(),
          "after it, the CA service is asked again and says revoked");
    }
  }

  @Test
  void withTheCaUnreachableTheLastGoodCrlServesUntilItGoesStaleThenEverythingIsRefused()
      throws Exception {
    TestPki pki = TestPki.create(directory.resolve("ca"));
    MovableClock clock = new MovableClock();
    Duration crlValidity = Duration.ofMinutes(10);
    X509Certificate alice;
    X509CRL first;
    DistributionPointCrls crls = new DistributionPointCrls(
        pki.ca().caCertificate(), directory.resolve("cache"), clock, REFRESH);
    try (CaService service = TestCaService.start(pki, Duration.ofDays(1), crlValidity, 1_000,
        java.time.Clock.systemUTC())) {
      alice = Pem.readCertificate(pki.peer("alice").certificate());
      first = crls.crlFor(alice);
    }
    clock.advance(REFRESH);
    assertEquals(first, crls.crlFor(alice), "the CA is gone: the last good answer");
    Instant nextUpdate = first.getNextUpdate().toInstant();
    clock.advance(Duration.between(clock.instant(), nextUpdate).plusSeconds(1));
    PkiException stale = assertThrows(PkiException.class, () -> crls.crlFor(alice));
    assertTrue(stale.getMessage().contains("went stale at " + nextUpdate)
        && stale.getMessage().contains("cannot be reached"), stale.getMessage());

    DistributionPointCrls restarted = new DistributionPointCrls(pki.ca().caCertificate(),
        directory.resolve("cache"), new MovableClock(), REFRESH);
    X509CRL cached = restarted.crlFor(alice);
    assertNotNull(cached, "a restart during the outage starts from the kept CRL");
    assertEquals(CertificateSigner.crlNumber(first), CertificateSigner.crlNumber(cached));
    try (var files = Files.list(directory.resolve("cache"))) {
      assertEquals(1, files.count());
    }
    assertTrue(CertificateSigner.crlNumber(cached).compareTo(BigInteger.ONE) > 0);
  }

  @Test
  void aCertificateWithoutADistributionPointIsRefusedWithoutACrlFile() {
    TestPki pki = TestPki.create(directory.resolve("ca"));
    X509Certificate server = Pem.readCertificate(pki.server().certificate());
    DistributionPointCrls crls = new DistributionPointCrls(pki.ca().caCertificate(),
        directory.resolve("cache"), new MovableClock(), REFRESH);
    PkiException refused = assertThrows(PkiException.class, () -> crls.crlFor(server));
    assertTrue(refused.getMessage().contains("names no CRL distribution point"),
        refused.getMessage());
  }
}
