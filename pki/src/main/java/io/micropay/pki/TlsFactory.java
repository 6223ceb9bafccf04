package io.micropay.pki;

import io.micropay.pki.tls.ApplicationProtocols;
import io.micropay.pki.tls.BlockingHandshakes;
import io.micropay.pki.tls.HandshakeFailures;
import io.micropay.pki.tls.PeerCertificates;
import io.micropay.pki.tls.RenewableKeyManager;
import io.micropay.pki.tls.ServerEngines;
import io.micropay.pki.tls.TlsContexts;
import io.micropay.pki.tls.TlsEngineChoice;
import io.micropay.pki.x509.CertificateRejectedException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
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
  private final ApplicationProtocols applicationProtocols;
  private final Clock clock;
  private final PeerCertificates peerCertificates;
  private final ServerEngines serverEngines;

  TlsFactory(TlsContexts contexts, Path crlFile, int handshakeTimeoutMillis, Clock clock,
      ApplicationProtocols applicationProtocols) {
    this.contexts = contexts;
    this.crlFile = crlFile;
    this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    this.applicationProtocols = applicationProtocols;
    this.clock = clock;
    this.peerCertificates = new PeerCertificates(contexts, clock);
    this.serverEngines = new ServerEngines(contexts, applicationProtocols, peerCertificates);
  }

  /**
   * A factory for another peer of this deployment ({@code chain} and {@code key}), sharing this
   * one's CA, revocations, handshake deadline, ALPN names and engine, with TLS sessions of its
   * own: for a process that speaks for many peers, as the load generator does, with exactly the
   * TLS a real peer has.
   */
  public TlsFactory forIdentity(List<X509Certificate> chain, PrivateKey key) {
    return new TlsFactory(contexts.forIdentity(chain, key), crlFile, handshakeTimeoutMillis,
        clock, applicationProtocols);
  }

  /**
   * Drops the TLS sessions this factory could resume, so that its next connection makes a full
   * handshake (the load generator measures both kinds).
   */
  public void forgetSessions() {
    contexts.forgetSessions();
  }

  /** The TLS engine of the payment connections, and why it is the one. */
  public TlsEngineChoice engine() {
    return contexts.engine();
  }

  /** A builder; {@link TlsFactoryBuilder#forLayout} fills in the usual file names. */
  public static TlsFactoryBuilder builder() {
    return new TlsFactoryBuilder();
  }

  /** The certificate this process presents. */
  public X509Certificate certificate() {
    return contexts.identity().certificate();
  }

  /**
   * This process's certificate chain and private key, read together so that a renewal cannot
   * pair one's certificate with the other's key: for signing (the server's receipts).
   */
  public RenewableKeyManager.Identity signingIdentity() {
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
    return contexts.httpsClientParameters();
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
    return contexts.httpsServerParameters();
  }

  /**
   * For an operator dialling a payment server's operator endpoint (HTTPS): the server must
   * present a server certificate of this CA. Use with {@link #operatorClientParameters}; the
   * HTTP client checks the host name.
   */
  public SSLContext operatorClientContext() {
    return contexts.operatorClient();
  }

  /** Client parameters for HTTPS: micropay's protocols and suites, no ALPN name of ours. */
  public SSLParameters operatorClientParameters() {
    return contexts.httpsClientParameters();
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

  /** The engines of this process's non-blocking server: made, screened, checked, released. */
  public ServerEngines serverEngines() {
    return serverEngines;
  }

  /** Whether the finished handshake of {@code socket}, connected or accepted here, resumed. */
  public boolean isResumed(SSLSocket socket) {
    return contexts.isResumed(socket);
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
    ApplicationProtocols.Selection selection = applicationProtocols.selectFor(socket);
    BlockingHandshakes.run(socket, handshakeTimeoutMillis);
    try {
      selection.requireAccepted();
      return authenticate(socket.getSession());
    } catch (SSLException e) {
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
    SSLSocket socket = BlockingHandshakes.open(contexts.serverFacing().getSocketFactory(), host,
        port, connectTimeoutMillis, parameters);
    BlockingHandshakes.run(socket, handshakeTimeoutMillis);
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
    SSLSocket socket = BlockingHandshakes.open(contexts.peerFacing().getSocketFactory(), host, port,
        connectTimeoutMillis, clientParameters());
    BlockingHandshakes.run(socket, handshakeTimeoutMillis);
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
    return peerCertificates.authenticate(session);
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
    return peerCertificates.rejectionOf(certificate);
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
}
