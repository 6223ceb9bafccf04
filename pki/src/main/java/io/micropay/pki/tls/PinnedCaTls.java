package io.micropay.pki.tls;

import io.micropay.pki.EnrollmentToken;
import io.micropay.pki.Role;
import io.micropay.pki.x509.CertificateChecker;
import io.micropay.pki.x509.CertificateRejectedException;
import io.micropay.pki.x509.Subjects;
import io.micropay.pki.x509.VerifiedSignatures;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS for the first contact with the CA service, before this machine has any CA certificate:
 * the service sends its certificate and the CA's, and the CA is trusted only when its SHA-256
 * fingerprint is the one in the enrollment token. Then the service's certificate must be signed
 * by that CA, valid, of the CA service role, and (the JDK's check) name the host dialled.
 * Revocation is not checked here: there is no CRL yet, and a certificate is only being asked for.
 */
public final class PinnedCaTls {
  private final Pinned trust;
  private final SSLContext context;

  private PinnedCaTls(Pinned trust, SSLContext context) {
    this.trust = trust;
    this.context = context;
  }

  /** TLS trusting only the CA whose fingerprint {@code token} carries; no client certificate. */
  public static PinnedCaTls forToken(EnrollmentToken token) {
    TlsPolicy.ensureInstalled();
    Pinned trust = new Pinned(token);
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trust}, new SecureRandom());
      return new PinnedCaTls(trust, context);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK could not make a TLS context", e);
    }
  }

  public SSLContext context() {
    return context;
  }

  /** Client parameters with micropay's protocols and suites. */
  public SSLParameters parameters() {
    return TlsPolicy.parameters(Optional.empty());
  }

  /** The CA the service presented, once a handshake accepted it. */
  public Optional<X509Certificate> trustedCa() {
    return Optional.ofNullable(trust.accepted);
  }

  /** Why the last handshake's server was refused, in words, if it was. */
  public Optional<String> refusal() {
    return Optional.ofNullable(trust.refusal);
  }

  private static final class Pinned extends X509ExtendedTrustManager {
    private final EnrollmentToken token;
    private volatile X509Certificate accepted;
    private volatile String refusal;

    Pinned(EnrollmentToken token) {
      this.token = token;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      X509Certificate ca = pinnedCa(chain);
      CaTrustManager.jdkPkixTrustManager(ca).checkServerTrusted(chain, authType, engine);
      accepted = ca;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      X509Certificate ca = pinnedCa(chain);
      CaTrustManager.jdkPkixTrustManager(ca).checkServerTrusted(chain, authType, socket);
      accepted = ca;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      X509Certificate ca = pinnedCa(chain);
      CaTrustManager.jdkPkixTrustManager(ca).checkServerTrusted(chain, authType);
      accepted = ca;
    }

    private X509Certificate pinnedCa(X509Certificate[] chain) throws CertificateException {
      if (chain == null || chain.length == 0) {
        throw refuse("the CA service sent no certificate");
      }
      X509Certificate ca = null;
      for (X509Certificate candidate : chain) {
        if (token.matchesFingerprint(EnrollmentToken.fingerprint(candidate))) {
          ca = candidate;
        }
      }
      if (ca == null) {
        throw refuse("the CA service presented CA " + chain[chain.length - 1]
            .getSubjectX500Principal().getName() + " with fingerprint "
            + EnrollmentToken.fingerprint(chain[chain.length - 1]) + ", not the token's "
            + token.caFingerprint() + ": it is not the CA the token is from, refusing it");
      }
      try {
        CertificateChecker.checkSignedAndInDate(chain[0], VerifiedSignatures.uncached(ca),
            Instant.now());
      } catch (CertificateRejectedException e) {
        throw refuse(e.getMessage());
      }
      if (!Subjects.role(chain[0]).equals(Optional.of(Role.CA_SERVICE))) {
        throw refuse("certificate " + Subjects.describe(chain[0]) + " is not a CA service "
            + "certificate");
      }
      return ca;
    }

    private CertificateException refuse(String why) {
      refusal = why;
      return new CertificateRejectedException(why, BasicReason.UNSPECIFIED);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws
        CertificateException {
      throw new CertificateException("enrollment never accepts connections");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
