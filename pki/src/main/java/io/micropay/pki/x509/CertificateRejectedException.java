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
  private final Category category;

  /**
   * What kind of rejection it is, in micropay's terms: the handshake metrics count refusals by
   * it, and it says more than the JDK's {@link BasicReason} (which has no word for a certificate
   * of the wrong role).
   */
  public enum Category {
    NO_CERTIFICATE, UNKNOWN_CA, EXPIRED, NOT_YET_VALID, WRONG_ROLE, REVOKED, REVOCATION_UNKNOWN,
    OTHER
  }

  public CertificateRejectedException(String message, BasicReason reason) {
    this(message, reason, categoryOf(reason));
  }

  public CertificateRejectedException(String message, BasicReason reason, Category category) {
    super(message, new CertPathValidatorException(message, null, null, -1, reason));
    this.reason = reason;
    this.category = category;
  }

  /** The kind of rejection, for counting. */
  public Category category() {
    return category;
  }

  private static Category categoryOf(BasicReason reason) {
    return switch (reason) {
      case INVALID_SIGNATURE -> Category.UNKNOWN_CA;
      case EXPIRED -> Category.EXPIRED;
      case NOT_YET_VALID -> Category.NOT_YET_VALID;
      case REVOKED -> Category.REVOKED;
      case UNDETERMINED_REVOCATION_STATUS -> Category.REVOCATION_UNKNOWN;
      default -> Category.OTHER;
    };
  }

  /** The category of the rejection. */
  public BasicReason reason() {
    return reason;
  }
}
