package io.micropay.pki.tls;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;

/**
 * Where an endpoint learns which certificates the CA revoked: the CA's CRL file in the ssl folder
 * ({@link CrlSource}), or the CA service's CRL at the distribution point each certificate names
 * ({@link DistributionPointCrls}). Either way the answer is a CRL the CA signed and that is not
 * stale; when none can be had, the source fails closed.
 */
public interface RevocationSource {
  /**
   * The current CRL that speaks for {@code certificate}, whose signature the CA's key has
   * already verified.
   *
   * @throws io.micropay.pki.PkiException when no usable CRL can be had: missing, not the CA's,
   *     or stale (the CA service unreachable for too long). Callers refuse the certificate.
   */
  X509CRL crlFor(X509Certificate certificate);

  /** Where the answers come from, for logs and messages. */
  String describe();
}
