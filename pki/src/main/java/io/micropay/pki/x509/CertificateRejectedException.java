package io.micropay.pki.x509;

import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;

/**
 * A certificate that this deployment does not accept, with a message that says why in words an
 * operator can act on. The cause is a {@link CertPathValidatorException} carrying the
 * {@link BasicReason}, which is how the JDK's TLS stack picks the alert it sends (for example
 * {@code certificate_revoked} or {@code certificate_expired}), so the other side learns the reason
 * too.
 */
public final class CertificateRejectedException extends CertificateException {
  private static final long serialVersionUID = 1L;

  private final BasicReason reason;

  public CertificateRejectedException(String message, BasicReason reason) {
    super(message, new CertPathValidatorException(message, null, null, -1, reason));
    this.reason = reason;
  }

  /** The category of the rejection. */
  public BasicReason reason() {
    return reason;
  }
}
