package io.micropay.peer;

import io.micropay.peer.IncomingPayments.CreditStatus;
import io.micropay.peer.PeerFailure.Kind;
import io.micropay.peer.net.KeepAlive;
import io.micropay.peer.net.PeerConnector;
import io.micropay.peer.net.PeerListener;
import io.micropay.peer.net.ServerSession;
import io.micropay.peer.net.SessionEndedException;
import io.micropay.pki.PkiException;
import io.micropay.pki.Role;
import io.micropay.pki.TlsFactory;
import io.micropay.pki.client.CertificateRenewal;
import io.micropay.pki.tls.ApplicationProtocols;
import io.micropay.protocol.AuthFailedException;
import io.micropay.protocol.Limits;
import io.micropay.protocol.OnlineList;
import io.micropay.protocol.ProtocolVersion;
import io.micropay.protocol.Request;
import io.micropay.protocol.ServerLimits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One running peer: its TLS identity, its link to the payment service, its listener for incoming
 * payments, and what it paid and received. Commands, the shell and tests all drive a peer
 * through this class. Once online it stays online: a lost session is re-established and logged
 * in again on the same listener port by the {@link ServerLink}.
 */
public final class PeerNode implements AutoCloseable {
  /** How long a payer has, from the end of its handshake, to send its whole request. */
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final PeerConfig config;
  private final TlsFactory tls;
  private final PeerEvents events;
  private final History history = new History();
  private final IncomingPayments incoming;
  private final PeerConnector connector;
  private final PaymentService payments;
  private final ServerLink link;
  /** Whether this peer logged in: every new session logs in again. */
  private volatile boolean wantOnline;
  /** Whether a login was asked for while offline: the next session tries it. */
  private volatile boolean loginPending;
  private PeerListener listener;
  private CertificateRenewal renewal;

  private PeerNode(PeerConfig config, TlsFactory tls, PeerEvents events, Prompter prompter,
      Backoff backoff) {
    this.config = config;
    this.tls = tls;
    this.events = events;
    this.incoming = new IncomingPayments(tls.accountName(), config.policy(),
        config.autoMaxUnits(), prompter, config.promptTimeout(), history, events,
        this::creditStatus);
    this.connector = new PeerConnector(tls, config.connectTimeout(), config.decisionTimeout());
    this.link = new ServerLink(tls, config, events, backoff, this::prepare);
    this.payments = new PaymentService(this, connector, history);
  }

  /**
   * Loads this peer's certificate and connects to the first server that answers: for a command
   * that does one thing and leaves.
   *
   * @throws PeerFailure when no server can be reached, saying why
   */
  public static PeerNode connect(PeerConfig config, PeerEvents events, Prompter prompter) {
    PeerNode node = new PeerNode(config, loadTls(config), events, prompter, Backoff.DEFAULT);
    node.link.connectNow();
    node.renewWhenDue();
    return node;
  }

  /**
   * As {@link #connect}, for a peer that stays online: when no server answers yet, it keeps
   * trying (and says so) instead of failing.
   *
   * @throws PeerFailure when retrying cannot help (a certificate the server refuses, say)
   */
  public static PeerNode start(PeerConfig config, PeerEvents events, Prompter prompter,
      Backoff backoff) {
    PeerNode node = new PeerNode(config, loadTls(config), events, prompter, backoff);
    node.link.connectOrKeepTrying();
    node.renewWhenDue();
    return node;
  }

  /**
   * Renews this peer's certificate at the CA service when it is due, if the ssl folder names
   * one; the session then moves to the renewed certificate without going offline.
   */
  private void renewWhenDue() {
    renewal = CertificateRenewal.startIfKnown(tls, config.pki(), config.certificate(),
        renewed -> link.renewSession()).orElse(null);
  }

  private static TlsFactory loadTls(PeerConfig config) {
    try {
      return TlsFactory.builder().forLayout(config.pki())
          .identity(config.certificate(), config.key(), config.keyPassphrase(), Role.PEER)
          .handshakeTimeoutMillis((int) config.connectTimeout().toMillis())
          .applicationProtocols(new ApplicationProtocols(ProtocolVersion.ALPN_NAMES,
              ProtocolVersion.ALPN_FAMILY))
          .engine(config.tlsEngine())
          .build();
    } catch (PkiException e) {
      throw new PeerFailure(Kind.GENERAL, e.getMessage(), e);
    }
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
  public synchronized int listenPort() {
    return listener == null ? 0 : listener.port();
  }

  /** Where the link to the server stands, in one line. */
  public String status() {
    return link.status();
  }

  /** Whether the link lost its session and is re-establishing it. */
  public boolean isReconnecting() {
    return link.isReconnecting();
  }

  /** Completes, with the reason, when the link stopped for good and will not reconnect. */
  public CompletableFuture<PeerFailure> stopped() {
    return link.stopped();
  }

  /** {@code REGISTER}: true when the account was opened, false when the server refused. */
  public boolean register() {
    return withSession(session -> session.register(name()));
  }

  /** {@code DEPOSIT}: true when the server accepted it. */
  public boolean deposit(long amountUnits) {
    return withSession(session -> session.deposit(name(), amountUnits));
  }

  /**
   * Why the server refused a deposit of {@code amountUnits}: exactly, from its limits, when it
   * speaks version 2; the possibilities otherwise.
   */
  public String depositRefusal(long amountUnits) {
    ServerSession session = link.session();
    if (!session.version().atLeast(ProtocolVersion.V2)) {
      return "the amount is over the server's limit, deposits are disabled, or the account is "
          + "not registered (this server speaks protocol version 1 and does not say which)";
    }
    ServerLimits limits = withSession(ServerSession::limits);
    if (!limits.depositsEnabled()) {
      return "deposits are disabled on this server";
    }
    if (amountUnits > limits.maxDepositUnits()) {
      return "the server's limit is " + limits.maxDepositUnits() + " per deposit";
    }
    return "the account is not registered, or its balance would pass the maximum of "
        + Limits.MAX_BALANCE;
  }

  /**
   * Starts the listener (once) and logs in with its port; returns the online list. From then on
   * every new session logs in again by itself.
   *
   * @throws PeerFailure (REFUSED_BY_SERVER) when the account is not registered
   */
  public OnlineList goOnline() {
    link.restart();
    try {
      OnlineList list = withSession(this::loginOn);
      wantOnline = true;
      return list;
    } catch (PeerFailure e) {
      // Offline for now: log in as soon as a session is up.
      loginPending = e.kind() == Kind.SERVER_UNREACHABLE;
      throw e;
    }
  }

  /**
   * Version 2: a page of this account's statement from the server's ledger (no login needed).
   *
   * @throws PeerFailure when the server speaks only version 1
   */
  public io.micropay.protocol.StatementPage statement(
      io.micropay.protocol.Request.Statement request) {
    requireVersion2("statements");
    return withSession(session -> session.statement(request));
  }

  /**
   * Version 2: the server's signed receipt of a transfer this account paid or received.
   *
   * @throws PeerFailure when the server speaks only version 1
   */
  public io.micropay.protocol.ReceiptReply receipt(String payer, String transferId) {
    requireVersion2("receipts");
    return withSession(session -> session.receipt(payer, transferId));
  }

  private void requireVersion2(String what) {
    if (!link.session().version().atLeast(ProtocolVersion.V2)) {
      throw new PeerFailure(Kind.GENERAL, "the server speaks protocol version 1, which has no "
          + what + "; it needs a server that speaks micropay/2");
    }
  }

  /** The online list (this peer must be online). */
  public OnlineList list() {
    return withSession(ServerSession::list);
  }

  /** Pays {@code amountUnits} to {@code payee}, directly; see {@link PaymentService}. */
  public PaymentReceipt pay(String payee, long amountUnits) {
    return pay(payee, amountUnits, line -> { });
  }

  /** As {@link #pay(String, long)}, telling {@code progress} what it is doing. */
  public PaymentReceipt pay(String payee, long amountUnits, Consumer<String> progress) {
    return payments.pay(payee, amountUnits, progress);
  }

  /** As {@link #pay(String, long, Consumer)} with a memo for the payee and both statements. */
  public PaymentReceipt pay(String payee, long amountUnits, String memo,
      Consumer<String> progress) {
    return payments.pay(payee, amountUnits, memo, progress);
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
  public void close() {
    if (renewal != null) {
      renewal.close();
    }
    connector.close();
    link.close();
    synchronized (this) {
      if (listener != null) {
        listener.close();
        listener = null;
      }
    }
  }

  ServerLink link() {
    return link;
  }

  PeerConfig config() {
    return config;
  }

  PeerEvents events() {
    return events;
  }

  /**
   * On every new session: log in again when this peer was online (a refusal then stops the
   * link: the account is gone), or try the login that was asked for while offline.
   */
  private void prepare(ServerSession session) throws IOException {
    if (wantOnline) {
      loginOn(session);
    } else if (loginPending) {
      loginPending = false;
      try {
        loginOn(session);
        wantOnline = true;
        events.notice("online; receiving payments on port " + listenPort());
      } catch (PeerFailure e) {
        if (e.kind() != Kind.REFUSED_BY_SERVER) {
          loginPending = true;
          throw e;
        }
        events.notice(e.getMessage());
      }
    }
  }

  private OnlineList loginOn(ServerSession session) throws IOException {
    int port = startListener(session);
    try {
      return session.login(name(), port);
    } catch (AuthFailedException e) {
      throw new PeerFailure(Kind.REFUSED_BY_SERVER, "the server refused to log in '" + name()
          + "' (220 AUTH_FAIL): register the account first", e);
    }
  }

  /** Starts the listener unless it runs; returns its port. */
  private synchronized int startListener(ServerSession session) {
    if (listener != null) {
      return listener.port();
    }
    // Listen on the address this peer reaches the server from: that is the address the server
    // tells payers, and it keeps a peer on loopback from listening on every interface.
    InetSocketAddress address = new InetSocketAddress(session.localAddress(),
        config.listenPort());
    try {
      listener = PeerListener.start(tls, address, incoming, events, REQUEST_TIMEOUT,
          config.decisionTimeout(), KeepAlive.DEFAULT);
      return listener.port();
    } catch (IOException e) {
      throw new PeerFailure(Kind.GENERAL, "cannot listen for payments on " + address + ": "
          + e.getMessage() + (config.listenPort() != 0 ? " (is the port in use?)" : ""), e);
    }
  }

  /** Whether the server knows {@code request} settled, asked on this peer's own session. */
  private CreditStatus creditStatus(Request.TransferReport request) {
    if (request.transferId() == null) {
      return CreditStatus.unknown("the payer sent no transfer id to look up");
    }
    ServerSession session;
    try {
      session = link.session();
    } catch (PeerFailure offline) {
      return CreditStatus.unknown(offline.getMessage());
    }
    if (!session.version().atLeast(ProtocolVersion.V2)) {
      return CreditStatus.unknown("the server speaks protocol version 1, which cannot look a "
          + "transfer up");
    }
    try {
      return CreditStatus.known(session.lookup(request.payer(), request.transferId())
          .confirms(request));
    } catch (IOException | PeerFailure e) {
      return CreditStatus.unknown("the server could not be asked: " + tls.explain(e));
    }
  }

  /** A request to the server, as the server answers it. */
  @FunctionalInterface
  interface ServerCall<T> {
    T call(ServerSession session) throws IOException;
  }

  /** Runs {@code call} on the current session; a lost connection is one PeerFailure line. */
  <T> T withSession(ServerCall<T> call) {
    ServerSession session = link.session();
    try {
      return call.call(session);
    } catch (SessionEndedException e) {
      throw new PeerFailure(Kind.SERVER_UNREACHABLE, e.getMessage() + " (" + session.server()
          + ")", e);
    } catch (IOException e) {
      throw new PeerFailure(Kind.SERVER_UNREACHABLE, "lost the connection to the server at "
          + session.server() + ": " + tls.explain(e), e);
    }
  }

  /** One line saying why a connection failed, with what this peer knows of its certificate. */
  String explain(Throwable failure) {
    return tls.explain(failure);
  }

  /**
   * The current session, waiting up to {@code timeout} for a reconnect under way and for one to
   * replace {@code failed}, the session a request just failed on (null for none).
   */
  ServerSession awaitSession(Duration timeout, ServerSession failed)
      throws InterruptedException {
    return link.awaitSession(timeout, failed);
  }
}
