package io.micropay.pki.tls;

import io.micropay.pki.PkiException;
import io.micropay.pki.Role;
import io.micropay.pki.x509.CertificateChecker;
import io.micropay.pki.x509.CertificateRejectedException;
import io.micropay.pki.x509.VerifiedSignatures;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateException;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly the certificates this deployment's CA issued, checked on every handshake in two
 * steps. First micropay's own checks ({@link CertificateChecker}: issuer and signature, validity,
 * role, the current CRL), which fail with a message that names the certificate and the reason.
 * Then the JDK's PKIX trust manager anchored at the CA alone, which adds what TLS itself requires:
 * the key usages for the TLS role and, when the socket asks for it, the host name check.
 */
final class CaTrustManager extends X509ExtendedTrustManager {
  private final VerifiedSignatures signatures;
  private final RevocationSource revocation;
  private final Clock clock;
  private final Role expectedServerRole;
  private final Role expectedClientRole;
  private final X509ExtendedTrustManager pkix;
  private final VerifiedHandshakes verifiedHandshakes;

  /**
   * @param signatures the CA, and the certificates whose signature it already verified
   * @param revocation where the CRL comes from
   * @param expectedServerRole the role a TLS server must have when this side is the client:
   *     {@link Role#SERVER} when dialling the payment server, {@link Role#PEER} when dialling a
   *     payee, {@link Role#CA_SERVICE} when dialling the CA service
   * @param expectedClientRole the role a TLS client must have when this side is the server:
   *     {@link Role#PEER} everywhere but the payment server's operator endpoint, which admits
   *     only {@link Role#OPERATOR}
   * @param verifiedHandshakes told of every socket and engine whose chain passed
   * @param engine the engine these checks serve: with the native one, the JDK's PKIX checks
   *     verify signatures with BoringSSL too
   */
  CaTrustManager(VerifiedSignatures signatures, RevocationSource revocation, Clock clock,
      Role expectedServerRole, Role expectedClientRole, VerifiedHandshakes verifiedHandshakes,
      TlsEngineChoice engine) {
    this.signatures = signatures;
    this.revocation = revocation;
    this.clock = clock;
    this.expectedServerRole = expectedServerRole;
    this.expectedClientRole = expectedClientRole;
    this.pkix = jdkPkixTrustManager(signatures.ca(), engine.engine() == TlsEngine.BORINGSSL
        ? NativeTls.signatureProvider() : Optional.empty());
    this.verifiedHandshakes = verifiedHandshakes;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, expectedClientRole);
    pkix.checkClientTrusted(chain, jdkAuthType(authType), socket);
    verifiedHandshakes.record(socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, expectedClientRole);
    pkix.checkClientTrusted(chain, jdkAuthType(authType), engine);
    verifiedHandshakes.record(engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, expectedClientRole);
    pkix.checkClientTrusted(chain, jdkAuthType(authType));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, expectedServerRole);
    pkix.checkServerTrusted(chain, jdkAuthType(authType), socket);
    verifiedHandshakes.record(socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, expectedServerRole);
    pkix.checkServerTrusted(chain, jdkAuthType(authType), engine);
    verifiedHandshakes.record(engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, expectedServerRole);
    pkix.checkServerTrusted(chain, jdkAuthType(authType));
  }

  /**
   * The key exchange name the JDK's checker understands. For TLS 1.3, where the key exchange no
   * longer depends on the certificate, the JDK's own engine says UNKNOWN and BoringSSL's says
   * GENERIC; both mean "check the key usage, not a key exchange".
   */
  private static String jdkAuthType(String authType) {
    return "GENERIC".equals(authType) ? "UNKNOWN" : authType;
  }

  /** Only the deployment's CA: a client is asked for a certificate from this CA and no other. */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[] {signatures.ca()};
  }

  private void check(X509Certificate[] chain, Role expectedRole) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateRejectedException("the other side sent no certificate",
          BasicReason.UNSPECIFIED, CertificateRejectedException.Category.NO_CERTIFICATE);
    }
    try {
      CertificateChecker.check(chain[0], signatures, revocation::crlFor, clock.instant(),
          Optional.of(expectedRole));
    } catch (PkiException e) {
      // The CRL cannot be used (missing, forged or stale): refuse rather than trust blindly.
      throw new CertificateRejectedException("cannot check revocation: " + e.getMessage(),
          BasicReason.UNDETERMINED_REVOCATION_STATUS);
    }
  }

  static X509ExtendedTrustManager jdkPkixTrustManager(X509Certificate ca) {
    return jdkPkixTrustManager(ca, Optional.empty());
  }

  /**
   * The JDK's PKIX trust manager anchored at {@code ca}, verifying signatures with the provider
   * named {@code signatureProvider} when given: the JDK's own ECDSA is in Java, and a full
   * handshake verifies one signature on each side.
   */
  static X509ExtendedTrustManager jdkPkixTrustManager(X509Certificate ca,
      Optional<String> signatureProvider) {
    try {
      PKIXBuilderParameters parameters =
          new PKIXBuilderParameters(Set.of(new TrustAnchor(ca, null)), new X509CertSelector());
      // Revocation is checked above against the CA's own CRL; the JDK must not go looking
      // for CRL distribution points or OCSP responders on the network.
      parameters.setRevocationEnabled(false);
      signatureProvider.ifPresent(parameters::setSigProvider);
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(new CertPathTrustManagerParameters(parameters));
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager extended) {
          return extended;
        }
      }
      throw new IllegalStateException("the JDK's PKIX TrustManagerFactory made no "
          + "X509ExtendedTrustManager");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK's PKIX trust manager is not available", e);
    }
  }
}
