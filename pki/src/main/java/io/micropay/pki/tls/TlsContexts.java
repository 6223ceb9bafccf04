package io.micropay.pki.tls;

import io.micropay.pki.Passphrase;
import io.micropay.pki.PkiException;
import io.micropay.pki.Role;
import io.micropay.pki.x509.CertificateChecker;
import io.micropay.pki.x509.CertificateRejectedException;
import io.micropay.pki.x509.Pem;
import io.micropay.pki.x509.Subjects;
import io.micropay.pki.x509.VerifiedSignatures;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * The loaded TLS material of one process: its own certificate and key, the CA, the CRL source,
 * and two SSLContexts that differ only in the role they require of a TLS server: one for dialling
 * the payment server, one for everything peer-facing (accepting peers, dialling payees).
 */
public final class TlsContexts {
  /** How long a TLS session may be resumed, in seconds: bounds how stale a resumption can be. */
  public static final int SESSION_TIMEOUT_SECONDS = 3600;

  private final VerifiedSignatures signatures;
  private final CrlSource crl;
  private final LoadedIdentity identity;
  private final SSLContext serverFacing;
  private final SSLContext peerFacing;
  private final SSLParameters baseParameters;

  /**
   * This process's own certificate and its account name (CN).
   *
   * @param certificate the leaf certificate presented
   * @param accountName its CN
   */
  public record LoadedIdentity(X509Certificate certificate, String accountName) {
  }

  private TlsContexts(VerifiedSignatures signatures, CrlSource crl, LoadedIdentity identity,
      SSLContext serverFacing, SSLContext peerFacing) {
    this.signatures = signatures;
    this.crl = crl;
    this.identity = identity;
    this.serverFacing = serverFacing;
    this.peerFacing = peerFacing;
    this.baseParameters = TlsPolicy.parameters(peerFacing.getSupportedSSLParameters());
  }

  /** Reads every file and checks that they belong together; throws PkiException when not. */
  public static TlsContexts load(Path caFile, Path crlFile, Path certificateFile, Path keyFile,
      Passphrase passphrase, Role role, Clock clock) {
    TlsPolicy.ensureInstalled();
    X509Certificate ca = Pem.readCertificate(caFile);
    CrlSource crl = new CrlSource(crlFile, ca, clock);
    List<X509Certificate> chain = Pem.readCertificates(certificateFile);
    PrivateKey key = Pem.readPrivateKey(keyFile, passphrase);
    X509Certificate leaf = chain.get(0);
    VerifiedSignatures signatures = new VerifiedSignatures(ca,
        VerifiedSignatures.DEFAULT_MAX_ENTRIES);
    try {
      CertificateChecker.check(leaf, signatures, crl.current(), clock.instant(),
          Optional.of(role));
    } catch (CertificateRejectedException e) {
      throw new PkiException("cannot use " + certificateFile + ": " + e.getMessage(), e);
    }
    requireMatchingKey(leaf, key, certificateFile, keyFile);
    LoadedIdentity identity = new LoadedIdentity(leaf, Subjects.commonName(leaf).orElseThrow());
    try {
      KeyManagerFactory keyManagers = keyManagers(chain, key);
      SSLContext serverFacing = context(keyManagers,
          new CaTrustManager(signatures, crl, clock, Role.SERVER));
      SSLContext peerFacing = context(keyManagers,
          new CaTrustManager(signatures, crl, clock, Role.PEER));
      return new TlsContexts(signatures, crl, identity, serverFacing, peerFacing);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("the JDK could not make a TLS context", e);
    }
  }

  public X509Certificate ca() {
    return signatures.ca();
  }

  /** The CA, and the certificates whose signature it verified in this process. */
  public VerifiedSignatures signatures() {
    return signatures;
  }

  public CrlSource crl() {
    return crl;
  }

  public LoadedIdentity identity() {
    return identity;
  }

  /** For dialling the payment server: its certificate must have the server role. */
  public SSLContext serverFacing() {
    return serverFacing;
  }

  /** For accepting peers and dialling payees: the other side must have the peer role. */
  public SSLContext peerFacing() {
    return peerFacing;
  }

  /** Fresh parameters for a server socket or engine: client certificate required. */
  public SSLParameters serverParameters() {
    SSLParameters parameters = copy();
    parameters.setNeedClientAuth(true);
    return parameters;
  }

  /** Fresh parameters for a client socket. */
  public SSLParameters clientParameters() {
    return copy();
  }

  private SSLParameters copy() {
    SSLParameters parameters = new SSLParameters();
    parameters.setProtocols(baseParameters.getProtocols());
    parameters.setCipherSuites(baseParameters.getCipherSuites());
    parameters.setUseCipherSuitesOrder(true);
    return parameters;
  }

  private static SSLContext context(KeyManagerFactory keyManagers, CaTrustManager trust)
      throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers.getKeyManagers(), new TrustManager[] {trust}, new SecureRandom());
    context.getServerSessionContext().setSessionTimeout(SESSION_TIMEOUT_SECONDS);
    context.getClientSessionContext().setSessionTimeout(SESSION_TIMEOUT_SECONDS);
    return context;
  }

  private static KeyManagerFactory keyManagers(List<X509Certificate> chain, PrivateKey key)
      throws GeneralSecurityException, IOException {
    char[] inMemoryPassword = new char[0];
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("identity", key, inMemoryPassword,
        chain.toArray(X509Certificate[]::new));
    KeyManagerFactory factory = KeyManagerFactory.getInstance("SunX509");
    factory.init(store, inMemoryPassword);
    return factory;
  }

  private static void requireMatchingKey(X509Certificate certificate, PrivateKey key,
      Path certificateFile, Path keyFile) {
    try {
      String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      if (verifier.verify(signature)) {
        return;
      }
    } catch (GeneralSecurityException e) {
      // Falls through: a key of another type than the certificate's cannot match it.
    }
    throw new PkiException("the private key " + keyFile + " does not belong to the certificate "
        + certificateFile);
  }
}
