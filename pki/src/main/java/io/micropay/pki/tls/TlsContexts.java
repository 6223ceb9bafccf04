package io.micropay.pki.tls;

import io.micropay.pki.Passphrase;
import io.micropay.pki.PkiException;
import io.micropay.pki.Role;
import io.micropay.pki.x509.CertificateChecker;
import io.micropay.pki.x509.CertificateRejectedException;
import io.micropay.pki.x509.Pem;
import io.micropay.pki.x509.Subjects;
import io.micropay.pki.x509.VerifiedSignatures;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * The loaded TLS material of one process: its own certificate and key, the CA, where revocations
 * come from, and the SSLContexts made from them, which differ in the role they require of the
 * other side and in their engine. The payment connections (dialling the payment server; accepting
 * peers and dialling payees) use the chosen {@link TlsEngine}; the HTTPS ones (the CA service,
 * the operator endpoint and its clients) always use the JDK's, which the JDK's HTTP server and
 * client are made for and whose handshake rate does not matter. Every context presents the
 * identity of one {@link RenewableKeyManager}, so a renewed certificate reaches all of them at
 * once.
 */
public final class TlsContexts {
  /** How long a TLS session may be resumed, in seconds: bounds how stale a resumption can be. */
  public static final int SESSION_TIMEOUT_SECONDS = 3600;

  private final VerifiedSignatures signatures;
  private final RevocationSource revocation;
  private final RenewableKeyManager keyManager;
  private final Role role;
  private final Clock clock;
  private final TlsEngineChoice engine;
  private final VerifiedHandshakes verifiedHandshakes = new VerifiedHandshakes();
  /** The contexts made so far: each is made when first asked for (a bench client needs one). */
  private final Map<Purpose, SSLContext> contexts = new ConcurrentHashMap<>();
  private volatile LoadedIdentity identity;

  /** What a context is for: the roles it requires of the other side, and its engine. */
  private enum Purpose {
    SERVER_FACING(Role.SERVER, Role.PEER, Carries.PAYMENTS),
    PEER_FACING(Role.PEER, Role.PEER, Carries.PAYMENTS),
    CA_FACING(Role.CA_SERVICE, Role.PEER, Carries.HTTPS),
    OPERATOR_FACING(Role.SERVER, Role.OPERATOR, Carries.HTTPS),
    OPERATOR_CLIENT(Role.SERVER, Role.PEER, Carries.HTTPS);

    final Role serverRole;
    final Role clientRole;
    final Carries carries;

    Purpose(Role serverRole, Role clientRole, Carries carries) {
      this.serverRole = serverRole;
      this.clientRole = clientRole;
      this.carries = carries;
    }
  }

  /** What a context's connections carry: payments on the chosen engine, HTTPS on the JDK's. */
  private enum Carries { PAYMENTS, HTTPS }

  /**
   * This process's own certificate and its account name (CN).
   *
   * @param certificate the leaf certificate presented
   * @param accountName its CN
   */
  public record LoadedIdentity(X509Certificate certificate, String accountName) {
  }

  private TlsContexts(VerifiedSignatures signatures, RevocationSource revocation,
      RenewableKeyManager keyManager, Role role, Clock clock, TlsEngineChoice engine) {
    this.signatures = signatures;
    this.revocation = revocation;
    this.keyManager = keyManager;
    this.role = role;
    this.clock = clock;
    this.engine = engine;
    this.identity = identityOf(keyManager.current().certificate());
  }

  /**
   * Reads every file and checks that they belong together, throwing PkiException when not;
   * revocations come from the source {@code revocationFor} makes for the CA read from
   * {@code caFile}, and payment connections use {@code engine}.
   */
  public static TlsContexts load(Path caFile,
      Function<X509Certificate, RevocationSource> revocationFor, Path certificateFile,
      Path keyFile, Passphrase passphrase, Role role, Clock clock, TlsEngineChoice engine) {
    TlsPolicy.ensureInstalled();
    X509Certificate ca = Pem.readCertificate(caFile);
    RevocationSource revocation = revocationFor.apply(ca);
    List<X509Certificate> chain = Pem.readCertificates(certificateFile);
    PrivateKey key = Pem.readPrivateKey(keyFile, passphrase);
    VerifiedSignatures signatures = new VerifiedSignatures(ca,
        VerifiedSignatures.DEFAULT_MAX_ENTRIES);
    try {
      CertificateChecker.check(chain.get(0), signatures, revocation::crlFor, clock.instant(),
          Optional.of(role));
    } catch (CertificateRejectedException e) {
      throw new PkiException("cannot use " + certificateFile + ": " + e.getMessage(), e);
    }
    requireMatchingKey(chain.get(0), key, certificateFile.toString(), keyFile.toString());
    return new TlsContexts(signatures, revocation,
        new RenewableKeyManager(new RenewableKeyManager.Identity(chain, key)), role, clock,
        engine);
  }

  /**
   * Contexts for another identity of this deployment ({@code chain} and {@code key}), sharing
   * this one's CA, revocations, role and engine, with sessions of their own: for a process that
   * speaks for many peers (the load generator). Checked as {@link #load} checks.
   */
  public TlsContexts forIdentity(List<X509Certificate> chain, PrivateKey key) {
    try {
      CertificateChecker.check(chain.get(0), signatures, revocation::crlFor, clock.instant(),
          Optional.of(role));
    } catch (CertificateRejectedException e) {
      throw new PkiException("cannot use " + Subjects.describe(chain.get(0)) + ": "
          + e.getMessage(), e);
    }
    requireMatchingKey(chain.get(0), key, Subjects.describe(chain.get(0)), "its key");
    return new TlsContexts(signatures, revocation,
        new RenewableKeyManager(new RenewableKeyManager.Identity(chain, key)), role, clock,
        engine);
  }

  /**
   * Presents {@code chain} (a renewed certificate first) and {@code key} from the next handshake
   * on, once they pass the checks {@link #load} makes: the CA's, valid now, not revoked, of this
   * process's role and name, and the key the certificate's. Connections open now are not
   * touched; cached TLS sessions are dropped so that none resumes with the old certificate.
   */
  public void replaceIdentity(List<X509Certificate> chain, PrivateKey key) {
    X509Certificate leaf = chain.get(0);
    try {
      CertificateChecker.check(leaf, signatures, revocation::crlFor, clock.instant(),
          Optional.of(role));
    } catch (CertificateRejectedException e) {
      throw new PkiException("cannot use the renewed certificate: " + e.getMessage(), e);
    }
    LoadedIdentity renewed = identityOf(leaf);
    if (!renewed.accountName().equals(identity.accountName())) {
      throw new PkiException("the renewed certificate is for '" + renewed.accountName()
          + "', not for '" + identity.accountName() + "'");
    }
    requireMatchingKey(leaf, key, "the renewed certificate", "its key");
    keyManager.replace(new RenewableKeyManager.Identity(chain, key));
    identity = renewed;
    forgetSessions();
  }

  /**
   * Drops every TLS session these contexts could resume, as a server and as a client: the
   * contexts are made anew on next use, with empty session caches and new ticket keys, so no
   * session or ticket of before resumes (BoringSSL's sessions cannot be invalidated one by one).
   * Connections open now go on with the contexts they were made with.
   */
  public void forgetSessions() {
    contexts.clear();
  }

  /** The certificate chain and key as they are now, read together (a renewal replaces both). */
  public RenewableKeyManager.Identity currentIdentity() {
    return keyManager.current();
  }

  /** The private key presented now, for a renewal request signed by this process. */
  public PrivateKey privateKey() {
    return keyManager.current().key();
  }

  /** The role this process's certificate has. */
  public Role role() {
    return role;
  }

  public X509Certificate ca() {
    return signatures.ca();
  }

  /** The CA, and the certificates whose signature it verified in this process. */
  public VerifiedSignatures signatures() {
    return signatures;
  }

  /** Where revocations come from. */
  public RevocationSource revocation() {
    return revocation;
  }

  public LoadedIdentity identity() {
    return identity;
  }

  /**
   * Whether the finished handshake of {@code endpoint} (an SSLSocket or SSLEngine of these
   * contexts) resumed an earlier session instead of verifying a certificate chain.
   */
  public boolean isResumed(Object endpoint) {
    return verifiedHandshakes.resumed(endpoint);
  }

  /** Forgets what is known of {@code engine}'s handshake: its connection is closed. */
  public void forget(SSLEngine engine) {
    verifiedHandshakes.forget(engine);
  }

  /** The engine of the payment connections, and why it was chosen. */
  public TlsEngineChoice engine() {
    return engine;
  }

  /** For dialling the payment server: its certificate must have the server role. */
  public SSLContext serverFacing() {
    return context(Purpose.SERVER_FACING);
  }

  /** For accepting peers and dialling payees: the other side must have the peer role. */
  public SSLContext peerFacing() {
    return context(Purpose.PEER_FACING);
  }

  /** For dialling the CA service: its certificate must have the CA service role. */
  public SSLContext caFacing() {
    return context(Purpose.CA_FACING);
  }

  /** For the payment server's operator endpoint (HTTPS): clients must be operators. */
  public SSLContext operatorFacing() {
    return context(Purpose.OPERATOR_FACING);
  }

  /** For an operator's HTTPS client dialling that endpoint: it must be a payment server. */
  public SSLContext operatorClient() {
    return context(Purpose.OPERATOR_CLIENT);
  }

  /**
   * A server engine for a peer-facing connection accepted from {@code client}: client
   * certificate required, session tickets on.
   */
  public SSLEngine newServerEngine(InetSocketAddress client) {
    SSLEngine engine = peerFacing().createSSLEngine(client.getHostString(), client.getPort());
    engine.setUseClientMode(false);
    engine.setSSLParameters(serverParameters());
    NativeTls.enableResumption(engine);
    return engine;
  }

  /**
   * A client engine dialling the payment server at {@code host:port} (its certificate must be a
   * server's), with session tickets on: for a client that drives its own non-blocking I/O.
   */
  public SSLEngine newClientEngine(String host, int port) {
    SSLEngine engine = serverFacing().createSSLEngine(host, port);
    engine.setUseClientMode(true);
    engine.setSSLParameters(clientParameters());
    NativeTls.enableResumption(engine);
    return engine;
  }

  /** Fresh parameters for a payment server socket or engine: client certificate required. */
  public SSLParameters serverParameters() {
    return needingClientCertificate(TlsPolicy.parameters(engine.provider()));
  }

  /** Fresh parameters for a payment client socket. */
  public SSLParameters clientParameters() {
    return TlsPolicy.parameters(engine.provider());
  }

  /** Fresh parameters for an HTTPS server (the JDK engine): client certificate required. */
  public SSLParameters httpsServerParameters() {
    return needingClientCertificate(TlsPolicy.parameters(Optional.empty()));
  }

  /** Fresh parameters for an HTTPS client (the JDK engine). */
  public SSLParameters httpsClientParameters() {
    return TlsPolicy.parameters(Optional.empty());
  }

  private static SSLParameters needingClientCertificate(SSLParameters parameters) {
    parameters.setNeedClientAuth(true);
    return parameters;
  }

  private static LoadedIdentity identityOf(X509Certificate leaf) {
    return new LoadedIdentity(leaf, Subjects.commonName(leaf).orElseThrow());
  }

  private CaTrustManager trust(Role serverRole, Role clientRole) {
    return new CaTrustManager(signatures, revocation, clock, serverRole, clientRole,
        verifiedHandshakes, engine);
  }

  private SSLContext context(Purpose purpose) {
    return contexts.computeIfAbsent(purpose, this::newContext);
  }

  private SSLContext newContext(Purpose purpose) {
    Optional<Provider> provider = purpose.carries == Carries.HTTPS ? Optional.empty()
        : engine.provider();
    try {
      SSLContext context = TlsPolicy.newContext(provider);
      context.init(new KeyManager[] {keyManager}, new TrustManager[] {trust(purpose.serverRole,
          purpose.clientRole)}, new SecureRandom());
      context.getServerSessionContext().setSessionTimeout(SESSION_TIMEOUT_SECONDS);
      context.getClientSessionContext().setSessionTimeout(SESSION_TIMEOUT_SECONDS);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not make a TLS context (" + engine.describe() + ")",
          e);
    }
  }

  private static void requireMatchingKey(X509Certificate certificate, PrivateKey key,
      String certificateFile, String keyFile) {
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
