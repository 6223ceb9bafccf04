package io.micropay.peer;

import io.micropay.peer.PeerFailure.Kind;
import io.micropay.peer.net.KeepAlive;
import io.micropay.peer.net.PeerConnector;
import io.micropay.peer.net.PeerListener;
import io.micropay.peer.net.ServerSession;
import io.micropay.pki.PkiException;
import io.micropay.pki.Role;
import io.micropay.pki.TlsFactory;
import io.micropay.pki.client.CertificateRenewal;
import io.micropay.protocol.AuthFailedException;
import io.micropay.protocol.OnlineList;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One running peer: its TLS identity, its session with the server, its listener for incoming
 * payments, and what it paid and received. Commands, the shell and tests all drive a peer
 * through this class.
 */
public final class PeerNode implements AutoCloseable {
  /** How long a payer has to send its request once its handshake is done. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final PeerConfig config;
  private final TlsFactory tls;
  private final PeerEvents events;
  private final History history = new History();
  private final IncomingPayments incoming;
  private final PeerConnector connector;
  private final PaymentService payments;
  private ServerSession session;
  private PeerListener listener;
  private CertificateRenewal renewal;

  private PeerNode(PeerConfig config, TlsFactory tls, PeerEvents events, Prompter prompter) {
    this.config = config;
    this.tls = tls;
    this.events = events;
    this.incoming = new IncomingPayments(tls.accountName(), config.policy(),
        config.autoMaxUnits(), prompter, config.promptTimeout(), history, events);
    this.connector = new PeerConnector(tls, config.connectTimeout(), config.decisionTimeout());
    this.payments = new PaymentService(this, connector, history);
  }

  /**
   * Loads this peer's certificate and connects to the server. The account name is the CN of the
   * certificate.
   */
  public static PeerNode connect(PeerConfig config, PeerEvents events, Prompter prompter) {
    TlsFactory tls;
    try {
      tls = TlsFactory.builder().forLayout(config.pki())
          .identity(config.certificate(), config.key(), config.keyPassphrase(), Role.PEER)
          .handshakeTimeoutMillis((int) config.connectTimeout().toMillis())
          .build();
    } catch (PkiException e) {
      throw new PeerFailure(Kind.GENERAL, e.getMessage(), e);
    }
    PeerNode node = new PeerNode(config, tls, events, prompter);
    node.session = node.openSession();
    node.renewal = CertificateRenewal.startIfKnown(tls, config.pki(), config.certificate(),
        renewed -> node.adoptRenewedCertificate()).orElse(null);
    return node;
  }

  /** This peer's account name: its certificate's CN. */
  public String name() {
    return tls.accountName();
  }

  /** What this peer paid and received in this run. */
  public History history() {
    return history;
  }

  /** The port of this peer's listener, once it is online. */
  public int listenPort() {
    return listener == null ? 0 : listener.port();
  }

  /** {@code REGISTER}: true when the account was opened, false when the server refused. */
  public synchronized boolean register() {
    return withSession(() -> session.register(name()));
  }

  /** {@code DEPOSIT}: true when the server accepted it. */
  public synchronized boolean deposit(long amountUnits) {
    return withSession(() -> session.deposit(name(), amountUnits));
  }

  /**
   * Starts the listener (once) and logs in with its port; returns the online list.
   *
   * @throws PeerFailure (REFUSED_BY_SERVER) when the account is not registered
   */
  public synchronized OnlineList goOnline() {
    startListener();
    return withSession(this::login);
  }

  /** The online list (this peer must be online). */
  public synchronized OnlineList list() {
    return withSession(() -> session.list());
  }

  /** Pays {@code amountUnits} to {@code payee}, directly; see {@link PaymentService}. */
  public PaymentReceipt pay(String payee, long amountUnits) {
    return payments.pay(payee, amountUnits);
  }

  /**
   * Payers' connections this peer's listener accepted (0 before it is online): fewer than the
   * payments it received when payers keep their connections.
   */
  public synchronized long incomingConnections() {
    return listener == null ? 0 : listener.connectionsAccepted();
  }

  /** Sends Exit, closes the listener and the connections kept to payees. */
  @Override
  public synchronized void close() {
    if (renewal != null) {
      renewal.close();
    }
    connector.close();
    if (session != null) {
      session.exit();
      session = null;
    }
    if (listener != null) {
      listener.close();
      listener = null;
    }
  }

  /** The current server session, reconnecting and logging in again if it was lost. */
  synchronized ServerSession reconnect() {
    if (session != null) {
      session.close();
    }
    session = openSession();
    if (listener != null) {
      withSession(this::login);
    }
    return session;
  }

  /**
   * After a renewal: a session made with the new certificate takes over (its login replaces the
   * old session on the server) before the old one is closed, so this peer never goes offline and
   * the server never ends a session whose certificate ran out.
   */
  synchronized void adoptRenewedCertificate() {
    ServerSession old = session;
    session = openSession();
    if (listener != null) {
      withSession(this::login);
    }
    old.close();
  }

  synchronized ServerSession session() {
    return session;
  }

  PeerConfig config() {
    return config;
  }

  PeerEvents events() {
    return events;
  }

  private OnlineList login() throws IOException {
    try {
      return session.login(name(), listener.port());
    } catch (AuthFailedException e) {
      throw new PeerFailure(Kind.REFUSED_BY_SERVER, "the server refused to log in '" + name()
          + "' (220 AUTH_FAIL): register the account first", e);
    }
  }

  private void startListener() {
    if (listener != null) {
      return;
    }
    // Listen on the address this peer reaches the server from: that is the address the server
    // tells payers, and it keeps a peer on loopback from listening on every interface.
    InetSocketAddress address = new InetSocketAddress(session.localAddress(),
        config.listenPort());
    try {
      listener = PeerListener.start(tls, address, incoming, events, REQUEST_TIMEOUT,
          config.decisionTimeout(), KeepAlive.DEFAULT);
    } catch (IOException e) {
      throw new PeerFailure(Kind.GENERAL, "cannot listen for payments on " + address + ": "
          + e.getMessage() + (config.listenPort() != 0 ? " (is the port in use?)" : ""), e);
    }
  }

  private ServerSession openSession() {
    return ServerSession.connect(tls, config.serverHost(), config.serverPort(),
        config.connectTimeout(), config.replyTimeout());
  }

  /** A request to the server, as the server answers it. */
  @FunctionalInterface
  interface ServerCall<T> {
    T call() throws IOException;
  }

  private <T> T withSession(ServerCall<T> call) {
    try {
      return call.call();
    } catch (IOException e) {
      throw new PeerFailure(Kind.SERVER_UNREACHABLE, "lost the connection to the server at "
          + config.serverHost() + ":" + config.serverPort() + ": " + TlsFactory.describe(e), e);
    }
  }
}
