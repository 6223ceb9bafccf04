package io.micropay.pki;

import io.micropay.pki.x509.CertificateSigner.RevokedSerial;
import io.micropay.pki.x509.CertificateSigner;
import io.micropay.pki.x509.Pem;
import java.math.BigInteger;
import java.nio.file.Files;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Writes the CA's CRL: every revoked certificate of the index, the next CRL number, valid from
 * now for the time asked (within the limits of {@link Validity}).
 */
final class CrlPublisher {
  private final PkiLayout layout;
  private final Clock clock;

  CrlPublisher(PkiLayout layout, Clock clock) {
    this.layout = layout;
    this.clock = clock;
  }

  /**
   * Writes the CRL of {@code entries}, fresh for {@code crlFor}, signed by {@code signer} (asked
   * only once the validity is known to be in range: it may read the CA key).
   */
  X509CRL publish(List<IssuedCertificate> entries, Duration crlFor,
      Supplier<CertificateSigner> signer) {
    if (crlFor.compareTo(Validity.MIN_LIFETIME) < 0
        || crlFor.compareTo(Duration.ofDays(Validity.MAX_DAYS)) > 0) {
      throw new PkiException("a CRL validity of " + crlFor + " is out of range "
          + Validity.MIN_LIFETIME.toSeconds() + " s.." + Validity.MAX_DAYS + " days");
    }
    List<RevokedSerial> revoked = new ArrayList<>();
    for (IssuedCertificate entry : entries) {
      if (entry.revokedAt().isPresent()) {
        revoked.add(new RevokedSerial(new BigInteger(entry.serialHex(), 16),
            entry.revokedAt().get(), entry.revocationReason().orElseThrow()));
      }
    }
    Instant now = clock.instant();
    X509CRL crl = signer.get().signCrl(revoked, nextCrlNumber(), now, now.plus(crlFor));
    Pem.writeCrl(layout.crl(), crl);
    return crl;
  }

  private BigInteger nextCrlNumber() {
    if (!Files.exists(layout.crl())) {
      return BigInteger.ONE;
    }
    return CertificateSigner.crlNumber(Pem.readCrl(layout.crl())).add(BigInteger.ONE);
  }
}
