package io.micropay.pki.x509;

import io.micropay.pki.RevocationReason;
import io.micropay.pki.Role;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * The checks that decide whether this deployment accepts a certificate, each failure with its
 * own message: issued and signed by the deployment's CA, inside its validity period, of the
 * expected {@link Role}, and not on the CRL. The TLS trust manager runs them on every handshake
 * and {@code pki verify} runs them on a file, so both give the same verdict in the same words.
 */
public final class CertificateChecker {
  private CertificateChecker() {
  }

  /**
   * Throws a {@link CertificateRejectedException} saying why when {@code leaf} is not acceptable.
   *
   * @param leaf the certificate to check
   * @param ca the deployment's CA certificate
   * @param crl the current CRL of the CA (its signature already checked)
   * @param now the time to check validity at
   * @param expectedRole the role the certificate must have, or empty for any
   */
  public static void check(X509Certificate leaf, X509Certificate ca, X509CRL crl, Instant now,
      Optional<Role> expectedRole) throws CertificateRejectedException {
    check(leaf, VerifiedSignatures.uncached(ca), crl, now, expectedRole);
  }

  /**
   * The same checks, with the signature looked up in (and added to) {@code signatures}: for the
   * TLS path, which checks the same certificates again and again.
   */
  public static void check(X509Certificate leaf, VerifiedSignatures signatures, X509CRL crl,
      Instant now, Optional<Role> expectedRole) throws CertificateRejectedException {
    check(leaf, signatures, certificate -> crl, now, expectedRole);
  }

  /**
   * The same checks, with the CRL asked of {@code crlFor} only once the signature verified: a
   * CRL may be fetched from the URL a certificate names, and only the CA's URLs are followed.
   */
  public static void check(X509Certificate leaf, VerifiedSignatures signatures,
      Function<X509Certificate, X509CRL> crlFor, Instant now, Optional<Role> expectedRole)
      throws CertificateRejectedException {
    checkIssuer(leaf, signatures);
    checkValidity(leaf, now);
    checkRole(leaf, expectedRole);
    checkNotRevoked(leaf, crlFor.apply(leaf));
  }

  /**
   * Issued by the CA, with a signature that verifies, and inside its validity period: what the
   * CA service asks of a certificate presented to renew or revoke, before it looks the
   * certificate up in its own index (which knows about revocations before any CRL does).
   */
  public static void checkSignedAndInDate(X509Certificate leaf, VerifiedSignatures signatures,
      Instant now) throws CertificateRejectedException {
    checkIssuer(leaf, signatures);
    checkValidity(leaf, now);
  }

  /**
   * The checks that can change for a certificate already accepted: its validity period and the
   * CRL. Cheap (no signature check), so a server can run it over every live session each second.
   */
  public static void checkStillValid(X509Certificate leaf, X509CRL crl, Instant now)
      throws CertificateRejectedException {
    checkValidity(leaf, now);
    checkNotRevoked(leaf, crl);
  }

  /** The revocation of {@code leaf} on {@code crl}, described in words, if it is revoked. */
  public static Optional<String> revocation(X509Certificate leaf, X509CRL crl) {
    X509CRLEntry entry = crl.getRevokedCertificate(leaf.getSerialNumber());
    if (entry == null) {
      return Optional.empty();
    }
    String reason = entry.getRevocationReason() == null ? "unspecified"
        : RevocationReason.fromCode(entry.getRevocationReason().ordinal()).openSslName();
    return Optional.of("certificate " + Subjects.describe(leaf) + " was revoked on "
        + entry.getRevocationDate().toInstant() + " (" + reason + ")");
  }

  private static void checkIssuer(X509Certificate leaf, VerifiedSignatures signatures)
      throws CertificateRejectedException {
    X509Certificate ca = signatures.ca();
    if (!leaf.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
      throw new CertificateRejectedException("certificate " + Subjects.describe(leaf)
          + " is not issued by this deployment's CA " + ca.getSubjectX500Principal().getName()
          + " but by " + leaf.getIssuerX500Principal().getName(), BasicReason.INVALID_SIGNATURE);
    }
    try {
      signatures.verify(leaf);
    } catch (GeneralSecurityException e) {
      throw new CertificateRejectedException("certificate " + Subjects.describe(leaf)
          + " names this deployment's CA as issuer but its signature does not verify with "
          + "the CA key (forged, or from another CA with the same name)",
          BasicReason.INVALID_SIGNATURE);
    }
  }

  private static void checkValidity(X509Certificate leaf, Instant now)
      throws CertificateRejectedException {
    if (now.isBefore(leaf.getNotBefore().toInstant())) {
      throw new CertificateRejectedException("certificate " + Subjects.describe(leaf)
          + " is not valid yet: its validity starts " + leaf.getNotBefore().toInstant()
          + " (check this machine's clock)", BasicReason.NOT_YET_VALID);
    }
    if (now.isAfter(leaf.getNotAfter().toInstant())) {
      throw new CertificateRejectedException("certificate " + Subjects.describe(leaf)
          + " expired on " + leaf.getNotAfter().toInstant() + "; renew it with the CA",
          BasicReason.EXPIRED);
    }
  }

  private static void checkRole(X509Certificate leaf, Optional<Role> expectedRole)
      throws CertificateRejectedException {
    if (expectedRole.isEmpty()) {
      return;
    }
    Optional<Role> actual = Subjects.role(leaf);
    if (!actual.equals(expectedRole)) {
      throw new CertificateRejectedException("certificate " + Subjects.describe(leaf) + " is "
          + actual.map(role -> "a " + role.organisationalUnit() + " certificate")
              .orElse("not a micropay server or peer certificate")
          + "; a " + expectedRole.get().organisationalUnit() + " certificate is required here",
          BasicReason.UNSPECIFIED, CertificateRejectedException.Category.WRONG_ROLE);
    }
    if (Subjects.commonName(leaf).isEmpty()) {
      throw new CertificateRejectedException("certificate " + Subjects.describe(leaf)
          + " does not have exactly one CN", BasicReason.UNSPECIFIED);
    }
  }

  private static void checkNotRevoked(X509Certificate leaf, X509CRL crl)
      throws CertificateRejectedException {
    Optional<String> revocation = revocation(leaf, crl);
    if (revocation.isPresent()) {
      throw new CertificateRejectedException(revocation.get(), BasicReason.REVOKED);
    }
  }
}
