package io.micropay.pki;

import io.micropay.pki.tls.ApplicationProtocols;
import io.micropay.pki.tls.CrlSource;
import io.micropay.pki.tls.DistributionPointCrls;
import io.micropay.pki.tls.HandshakeDeadline;
import io.micropay.pki.tls.HandshakeFailures;
import io.micropay.pki.tls.TlsContexts;
import io.micropay.pki.x509.CertificateChecker;
import io.micropay.pki.x509.CertificateRejectedException;
import io.micropay.pki.x509.Subjects;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The one place that makes the TLS sockets and engines of micropay, from the PEM files of a
 * deployment: mutual TLS always, TLS 1.3 (and TLS 1.2 with ECDHE and AEAD only), every
 * certificate checked against the CA and its current CRL on every handshake, a deadline on every
 * handshake, and the identity checks of PROTOCOL.md section 1:
 * <ul>
 *   <li>server sockets and engines require a client certificate, and it must be a peer's;</li>
 *   <li>{@link #connectToServer} checks the server certificate against the host dialled;</li>
 *   <li>{@link #connectToPeer} checks that the payee's certificate CN is the payee meant.</li>
 * </ul>
 * Instances are thread-safe and meant to be shared by every connection of a process.
 */
public final class TlsFactory {
  /** Handshake deadline used when none is configured. */
  public static final int DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 10_000;

  private final TlsContexts contexts;
  private final Path crlFile;
  private final int handshakeTimeoutMillis;
  private final Clock clock;
  private final ApplicationProtocols applicationProtocols;
  /** Engines made by {@link #newServerEngine} and not yet given to {@link #release}. */
  private final AtomicLong liveEngines = new AtomicLong();

  private TlsFactory(TlsContexts contexts, Path crlFile, int handshakeTimeoutMillis,
      Clock clock, ApplicationProtocols applicationProtocols) {
    this.contexts = contexts;
    this.crlFile = crlFile;
    this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    this.clock = clock;
    this.applicationProtocols = applicationProtocols;
  }

  /** A builder; {@link Builder#forLayout} fills in the usual file names. */
  public static Builder builder() {
    return new Builder();
  }

  /** The certificate this process presents. */
  public X509Certificate certificate() {
    return contexts.identity().certificate();
  }

  /**
   * This process's certificate chain and private key, read together so that a renewal cannot
   * pair one's certificate with the other's key: for signing (the server's receipts).
   */
  public io.micropay.pki.tls.RenewableKeyManager.Identity signingIdentity() {
    return contexts.currentIdentity();
  }

  /** The CN of this process's own certificate: for a peer, its account name. */
  public String accountName() {
    return contexts.identity().accountName();
  }

  /** The deployment's CA certificate. */
  public X509Certificate caCertificate() {
    return contexts.ca();
  }

  /**
   * The CRL file of the ssl folder. When it does not exist, revocations come from the CA
   * service instead ({@link #revocationSource}).
   */
  public Path crlFile() {
    return crlFile;
  }

  /** Where revocations come from: the CRL file, or the CA service's distribution points. */
  public String revocationSource() {
    return contexts.revocation().describe();
  }

  /** The role of this process's own certificate. */
  public Role role() {
    return contexts.role();
  }

  /**
   * A request to renew this process's certificate: same name, role and key, signed with the key
   * (which never leaves this object).
   */
  public PKCS10CertificationRequest renewalRequest() {
    return EnrollmentRequest.csr(accountName(), role(), certificate().getPublicKey(),
        contexts.privateKey());
  }

  /**
   * Presents {@code renewed} (a certificate for this process's key, then any chain) from the next
   * handshake on, in every socket and engine this factory makes; connections open now go on as
   * they are. Throws PkiException, changing nothing, when it is not a valid certificate of this
   * CA for this process's name, role and key.
   */
  public void useRenewedCertificate(List<X509Certificate> renewed) {
    contexts.replaceIdentity(renewed, contexts.privateKey());
  }

  /** The TLS context for dialling the CA service (HTTPS, mutual TLS with this identity). */
  public SSLContext caServiceContext() {
    return contexts.caFacing();
  }

  /**
   * Fresh client parameters for the CA service: micropay's protocols and suites, and no
   * micropay ALPN name (the CA service speaks HTTP).
   */
  public SSLParameters caServiceParameters() {
    return contexts.clientParameters();
  }

  /**
   * The TLS context of the payment server's operator endpoint (HTTPS): this process's
   * certificate, and clients admitted only with an operator certificate of this CA that is
   * valid and not revoked. Use it with {@link #operatorEndpointParameters}.
   */
  public SSLContext operatorEndpointContext() {
    return contexts.operatorFacing();
  }

  /** Parameters for the operator endpoint: client certificate required, no micropay ALPN. */
  public SSLParameters operatorEndpointParameters() {
    return contexts.serverParameters();
  }

  /**
   * For an operator dialling a payment server's operator endpoint (HTTPS): the server must
   * present a server certificate of this CA. Use with {@link #operatorClientParameters}; the
   * HTTP client checks the host name.
   */
  public SSLContext operatorClientContext() {
    return contexts.serverFacing();
  }

  /** Client parameters for HTTPS: micropay's protocols and suites, no ALPN name of ours. */
  public SSLParameters operatorClientParameters() {
    return contexts.clientParameters();
  }

  /** The handshake deadline, in milliseconds. */
  public int handshakeTimeoutMillis() {
    return handshakeTimeoutMillis;
  }

  /**
   * A listening server socket that requires a peer certificate from every client. Accepted
   * sockets have not shaken hands yet: call {@link #handshake} on a worker thread, never on the
   * accepting thread, so that a client that stalls cannot block the others.
   */
  public SSLServerSocket bindServerSocket(InetSocketAddress address, int backlog)
      throws IOException {
    SSLServerSocket socket = (SSLServerSocket) contexts.peerFacing().getServerSocketFactory()
        .createServerSocket();
    socket.setReuseAddress(true);
    socket.setSSLParameters(contexts.serverParameters());
    socket.bind(address, backlog);
    return socket;
  }

  /** The ALPN names this process offers and accepts. */
  public ApplicationProtocols applicationProtocols() {
    return applicationProtocols;
  }

  /** An engine for one accepted connection of a non-blocking server; requires a peer client. */
  public SSLEngine newServerEngine() {
    return newServerEngine(null);
  }

  /**
   * An engine for the connection accepted from {@code client} (named in the log of a refused
   * ALPN offer; may be null); requires a peer client and selects the application protocol.
   */
  public SSLEngine newServerEngine(InetSocketAddress client) {
    SSLEngine engine = client == null ? contexts.peerFacing().createSSLEngine()
        : contexts.peerFacing().createSSLEngine(client.getHostString(), client.getPort());
    engine.setUseClientMode(false);
    engine.setSSLParameters(contexts.serverParameters());
    applicationProtocols.selectFor(engine);
    liveEngines.incrementAndGet();
    return engine;
  }

  /**
   * Ends {@code engine}, one of {@link #newServerEngine}'s, when its connection is closed: a
   * native engine frees its TLS state outside the Java heap at once instead of whenever the
   * garbage collector gets to it. Call it exactly once per engine, on every path that closes a
   * connection (a failed handshake, an abrupt close, a clean one); the engine is unusable after.
   */
  public void release(SSLEngine engine) {
    engine.closeOutbound();
    try {
      engine.closeInbound();
    } catch (SSLException e) {
      // The other side sent no close_notify: expected of an abrupt close, and nothing to report.
    }
    liveEngines.decrementAndGet();
  }

  /** Engines made by {@link #newServerEngine} and not yet released: 0 when nothing leaks. */
  public long liveEngines() {
    return liveEngines.get();
  }

  /**
   * The ALPN name a socket's finished handshake agreed on, or the empty string for none (the
   * other side offered or accepted no name of ours).
   */
  public static String negotiatedProtocol(SSLSocket socket) {
    String name = socket.getApplicationProtocol();
    return name == null ? "" : name;
  }

  /**
   * Completes the handshake of an accepted socket within the deadline and returns who the client
   * is. On failure the socket is closed and the exception says why (see {@link #describe}).
   */
  public PeerIdentity handshake(SSLSocket socket) throws IOException {
    applicationProtocols.selectFor(socket);
    runHandshake(socket);
    try {
      return authenticate(socket.getSession());
    } catch (SSLPeerUnverifiedException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * Connects to the payment server at {@code host:port}, completes the handshake within the
   * deadline, and checks that the server's certificate is a server certificate for {@code host}.
   */
  public SSLSocket connectToServer(String host, int port, int connectTimeoutMillis)
      throws IOException {
    SSLParameters parameters = clientParameters();
    // The JDK's host name check: the server certificate's subject alternative names must
    // include the host dialled (DNS name or IP literal).
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    SSLSocket socket = open(contexts.serverFacing().getSocketFactory(), host, port,
        connectTimeoutMillis, parameters);
    runHandshake(socket);
    return socket;
  }

  /**
   * Connects to the peer listener at {@code host:port}, completes the handshake within the
   * deadline, and checks that the certificate it presents is {@code expectedAccount}'s. Nothing is
   * sent on the socket before that check passes.
   *
   * @throws PeerIdentityException when the listener is somebody else
   */
  public SSLSocket connectToPeer(String host, int port, String expectedAccount,
      int connectTimeoutMillis) throws IOException {
    SSLSocket socket = open(contexts.peerFacing().getSocketFactory(), host, port,
        connectTimeoutMillis, clientParameters());
    runHandshake(socket);
    PeerIdentity identity = authenticate(socket.getSession());
    if (!identity.accountName().equals(expectedAccount)) {
      socket.close();
      throw new PeerIdentityException("the listener at " + host + ":" + port
          + " presented a certificate for '" + identity.accountName() + "', not for '"
          + expectedAccount + "'");
    }
    return socket;
  }

  /**
   * Who is on the other end of a session that completed its handshake: the CN of the peer's
   * certificate. The certificate is checked again here, against the CRL of this moment, because a
   * resumed TLS session skips the trust manager and may outlive a revocation. Its signature was
   * verified in the handshake that made the session, so it is looked up, not verified again
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
   * Why a certificate accepted earlier is no longer acceptable now (revoked since, or expired),
   * if it is not. Cheap enough to ask of every live session each second: the server does, to end
   * the sessions of revoked peers without waiting for their next handshake.
   */
  public Optional<String> rejection(X509Certificate certificate) {
    return rejectionOf(certificate).map(Throwable::getMessage);
  }

  /**
   * As {@link #rejection}, with the category of the rejection ({@link
   * CertificateRejectedException#reason()}: REVOKED, EXPIRED, or UNDETERMINED_REVOCATION_STATUS
   * when no usable CRL can be had), for callers that must tell the other side which.
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
          java.security.cert.CertPathValidatorException.BasicReason
              .UNDETERMINED_REVOCATION_STATUS));
    }
  }

  /** One line saying why a handshake or connection failed, for logs and users. */
  public static String describe(Throwable failure) {
    return HandshakeFailures.describe(failure);
  }

  /**
   * As {@link #describe}, and where the other side refused this process's certificate without
   * saying why: a JDK server answers every client certificate it rejects with
   * {@code certificate_unknown}, revoked or not. When the certificate is good by this side's CA
   * and CRL, the likely reason is a revocation that this side's CRL does not list yet.
   */
  public String explain(Throwable failure) {
    String described = describe(failure);
    if (described.contains("refused our certificate (certificate_unknown)")
        && rejection(certificate()).isEmpty()) {
      return described + ", though it is good by our CA and CRL: it is most likely revoked, "
          + "and " + crlFile() + " is older than theirs. Get a new certificate from the CA";
    }
    return described;
  }

  /** Client parameters offering this process's ALPN names. */
  private SSLParameters clientParameters() {
    SSLParameters parameters = contexts.clientParameters();
    parameters.setApplicationProtocols(applicationProtocols.names().toArray(String[]::new));
    return parameters;
  }

  private SSLSocket open(javax.net.ssl.SSLSocketFactory factory, String host, int port,
      int connectTimeoutMillis, SSLParameters parameters) throws IOException {
    if (connectTimeoutMillis <= 0) {
      throw new IllegalArgumentException("connectTimeoutMillis must be positive, was "
          + connectTimeoutMillis + ": an infinite connect can hang a caller forever");
    }
    Socket plain = new Socket();
    try {
      plain.connect(new InetSocketAddress(InetAddress.getByName(host), port),
          connectTimeoutMillis);
      plain.setTcpNoDelay(true);
      SSLSocket socket = (SSLSocket) factory.createSocket(plain, host, port, true);
      socket.setUseClientMode(true);
      socket.setSSLParameters(parameters);
      return socket;
    } catch (IOException | RuntimeException e) {
      plain.close();
      throw e;
    }
  }

  private void runHandshake(SSLSocket socket) throws IOException {
    int previousTimeoutMillis = socket.getSoTimeout();
    long startNanos = System.nanoTime();
    var deadline = HandshakeDeadline.arm(socket, handshakeTimeoutMillis);
    try {
      socket.setSoTimeout(handshakeTimeoutMillis);
      socket.startHandshake();
      socket.setSoTimeout(previousTimeoutMillis);
    } catch (IOException | RuntimeException e) {
      socket.close();
      // The deadline closes the socket, so the handshake may fail with "socket closed" before
      // the deadline's task counts as done: the clock decides what happened.
      boolean late = System.nanoTime() - startNanos >= handshakeTimeoutMillis * 1_000_000L;
      if (late || (deadline.isDone() && !deadline.isCancelled())) {
        throw new SocketTimeoutException("the TLS handshake did not finish within "
            + handshakeTimeoutMillis + " ms");
      }
      throw e;
    } finally {
      deadline.cancel(false);
    }
  }

  /** Builds a {@link TlsFactory}; every file is read and checked by {@link #build()}. */
  public static final class Builder {
    private Path caCertificate;
    private Path crl;
    private Path certificate;
    private Path privateKey;
    private Passphrase passphrase = Passphrase.none();
    private Role role;
    private int handshakeTimeoutMillis = DEFAULT_HANDSHAKE_TIMEOUT_MILLIS;
    private Clock clock = Clock.systemUTC();
    private ApplicationProtocols applicationProtocols = ApplicationProtocols.NONE;
    private Duration revocationRefresh = DistributionPointCrls.DEFAULT_REFRESH;

    private Builder() {
    }

    /** The ALPN names to offer as a client and to select from as a server (default: none). */
    public Builder applicationProtocols(ApplicationProtocols protocols) {
      this.applicationProtocols = Objects.requireNonNull(protocols);
      return this;
    }

    /**
     * How long an answer from the CA service's distribution point is used before it is asked
     * again (when there is no CRL file); see {@link DistributionPointCrls}.
     */
    public Builder revocationRefresh(Duration refresh) {
      this.revocationRefresh = Objects.requireNonNull(refresh);
      return this;
    }

    /** The CA certificate and CRL of {@code layout}. */
    public Builder forLayout(PkiLayout layout) {
      return trustedCa(layout.caCertificate()).crl(layout.crl());
    }

    /** The CA certificate every other certificate must chain to. */
    public Builder trustedCa(Path caCertificateFile) {
      this.caCertificate = caCertificateFile;
      return this;
    }

    /**
     * The CA's CRL, re-read whenever it changes. When the file does not exist, each
     * certificate's CRL comes from the distribution point it names (the CA service), and the
     * last good one is kept in {@code crl-cache/} beside where the file would be.
     */
    public Builder crl(Path crlFile) {
      this.crl = crlFile;
      return this;
    }

    /** This process's certificate and key, and the role the certificate must have. */
    public Builder identity(Path certificateFile, Path privateKeyFile, Passphrase keyPassphrase,
        Role expectedRole) {
      this.certificate = certificateFile;
      this.privateKey = privateKeyFile;
      this.passphrase = Objects.requireNonNull(keyPassphrase);
      this.role = expectedRole;
      return this;
    }

    /** How long a handshake may take before the connection is closed. */
    public Builder handshakeTimeoutMillis(int timeoutMillis) {
      // Timeout of 0 is not allowed, since an infinite timeout can permanently lock up a thread.
      if (timeoutMillis <= 0) {
        throw new IllegalArgumentException("handshakeTimeoutMillis must be positive, was "
            + timeoutMillis);
      }
      this.handshakeTimeoutMillis = timeoutMillis;
      return this;
    }

    /** The clock validity is checked against; tests move it. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /** Reads and checks every file, and makes the factory. */
    public TlsFactory build() {
      Objects.requireNonNull(caCertificate, "trustedCa is required");
      Objects.requireNonNull(crl, "crl is required");
      Objects.requireNonNull(certificate, "identity is required");
      Path crlFile = crl;
      Clock checkClock = clock;
      TlsContexts contexts = TlsContexts.load(caCertificate, ca -> Files.exists(crlFile)
              ? new CrlSource(crlFile, ca, checkClock)
              : new DistributionPointCrls(ca, crlCacheDirectory(crlFile), checkClock,
                  revocationRefresh),
          certificate, privateKey, passphrase, role, clock);
      return new TlsFactory(contexts, crl, handshakeTimeoutMillis, clock,
          applicationProtocols);
    }

    private static Path crlCacheDirectory(Path crlFile) {
      Path folder = crlFile.toAbsolutePath().getParent();
      return new PkiLayout(folder).crlCacheDirectory();
    }
  }
}
