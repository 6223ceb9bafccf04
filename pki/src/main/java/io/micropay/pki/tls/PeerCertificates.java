package io.micropay.pki.tls;

import io.micropay.pki.PeerIdentity;
import io.micropay.pki.PeerIdentityException;
import io.micropay.pki.PkiException;
import io.micropay.pki.Role;
import io.micropay.pki.x509.CertificateChecker;
import io.micropay.pki.x509.CertificateRejectedException;
import io.micropay.pki.x509.Subjects;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who is on the other end of a finished handshake, and whether a certificate accepted earlier
 * is still acceptable now: the checks made after TLS, against the CRL of this moment.
 */
public final class PeerCertificates {
  private final TlsContexts contexts;
  private final Clock clock;

  public PeerCertificates(TlsContexts contexts, Clock clock) {
    this.contexts = contexts;
    this.clock = clock;
  }

  /**
   * The identity in {@code session}'s peer certificate, checked again here because a resumed
   * TLS session skips the trust manager and may outlive a revocation. Its signature was verified
   * in the handshake that made the session, so it is looked up, not verified again
   * ({@link io.micropay.pki.x509.VerifiedSignatures}).
   */
  public PeerIdentity authenticate(SSLSession session) throws SSLPeerUnverifiedException {
    Certificate[] chain = session.getPeerCertificates();
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
      throw new SSLPeerUnverifiedException("the other side presented no X.509 certificate");
    }
    try {
      CertificateChecker.check(certificate, contexts.signatures(),
          contexts.revocation()::crlFor, clock.instant(), Optional.empty());
    } catch (CertificateRejectedException | PkiException e) {
      throw new PeerIdentityException(e.getMessage());
    }
    Role role = Subjects.role(certificate).orElseThrow(
        () -> new PeerIdentityException("certificate " + Subjects.describe(certificate)
            + " has no micropay role"));
    String name = Subjects.commonName(certificate).orElseThrow(
        () -> new PeerIdentityException("certificate " + Subjects.describe(certificate)
            + " does not have exactly one CN"));
    return new PeerIdentity(name, role, certificate);
  }

  /**
   * Why {@code certificate} is no longer acceptable now (revoked since, expired), with its
   * category; UNDETERMINED_REVOCATION_STATUS when no usable CRL can be had. Empty when it is.
   */
  public Optional<CertificateRejectedException> rejectionOf(X509Certificate certificate) {
    try {
      CertificateChecker.checkStillValid(certificate,
          contexts.revocation().crlFor(certificate), clock.instant());
      return Optional.empty();
    } catch (CertificateRejectedException e) {
      return Optional.of(e);
    } catch (PkiException e) {
      return Optional.of(new CertificateRejectedException(e.getMessage(),
          BasicReason.UNDETERMINED_REVOCATION_STATUS));
    }
  }
}
