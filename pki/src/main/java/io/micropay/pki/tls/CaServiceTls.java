package io.micropay.pki.tls;

import io.micropay.pki.x509.CertificateChecker;
import io.micropay.pki.x509.VerifiedSignatures;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS side of the CA service ({@code pki serve}): its own certificate, renewed in place by
 * the {@link RenewableKeyManager}, sent with the CA certificate so that an enrolling peer can
 * check the CA's fingerprint; and a client certificate asked for but not required, because
 * enrollment has none yet while renewal and revocation authenticate with theirs. A client
 * certificate is checked here only for the CA's signature: whether it may renew (expired,
 * revoked, which role) is decided against the CA's own index, with a message that says why.
 */
public final class CaServiceTls {
  private final SSLContext context;
  private final SSLParameters parameters;

  private CaServiceTls(SSLContext context, SSLParameters parameters) {
    this.context = context;
    this.parameters = parameters;
  }

  /** The service's TLS for {@code identity}, accepting client certificates of {@code ca}. */
  public static CaServiceTls create(RenewableKeyManager identity, X509Certificate ca) {
    TlsPolicy.ensureInstalled();
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {identity},
          new TrustManager[] {new SignedByCa(VerifiedSignatures.uncached(ca))},
          new SecureRandom());
      context.getServerSessionContext().setSessionTimeout(TlsContexts.SESSION_TIMEOUT_SECONDS);
      SSLParameters parameters = TlsPolicy.parameters(Optional.empty());
      parameters.setWantClientAuth(true);
      return new CaServiceTls(context, parameters);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK could not make a TLS context", e);
    }
  }

  public SSLContext context() {
    return context;
  }

  /** Fresh parameters: micropay's protocols and suites, a client certificate wanted. */
  public SSLParameters parameters() {
    SSLParameters copy = new SSLParameters(parameters.getCipherSuites(),
        parameters.getProtocols());
    copy.setUseCipherSuitesOrder(true);
    copy.setWantClientAuth(true);
    return copy;
  }

  /** Client certificates: the CA's signature, nothing else (see the class comment). */
  private static final class SignedByCa extends X509ExtendedTrustManager {
    private final VerifiedSignatures signatures;

    SignedByCa(VerifiedSignatures signatures) {
      this.signatures = signatures;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      if (chain == null || chain.length == 0) {
        throw new io.micropay.pki.x509.CertificateRejectedException("no certificate",
            BasicReason.UNSPECIFIED);
      }
      // Validity is left to the endpoint, which refuses an expired certificate in words;
      // the signature check needs some instant, and the certificate's own start will do.
      Instant start = chain[0].getNotBefore().toInstant();
      CertificateChecker.checkSignedAndInDate(chain[0], signatures, start);
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
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("the CA service is never a TLS client");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[] {signatures.ca()};
    }
  }
}
