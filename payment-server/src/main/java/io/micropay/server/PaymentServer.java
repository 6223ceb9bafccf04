package io.micropay.server;

import io.micropay.pki.Role;
import io.micropay.pki.TlsFactory;
import io.micropay.pki.client.CertificateRenewal;
import io.micropay.pki.cms.SignedContent;
import io.micropay.pki.tls.ApplicationProtocols;
import io.micropay.protocol.Limits;
import io.micropay.protocol.ProtocolVersion;
import io.micropay.server.ledger.JdbcLedger;
import io.micropay.server.ledger.LedgerDatabase;
import io.micropay.server.ledger.Ledger;
import io.micropay.server.ledger.LedgerBackup;
import io.micropay.server.ledger.TransferHistory;
import io.micropay.server.metrics.ServerMetrics;
import io.micropay.server.operator.ActivityHistory;
import io.micropay.server.operator.BindAddressCheck;
import io.micropay.server.operator.OperatorEndpoint;
import io.micropay.server.presence.PostgresPresence;
import io.micropay.server.presence.PresenceGuard;
import io.micropay.server.session.BatchingSettlement;
import io.micropay.server.session.EventLog;
import io.micropay.server.session.Presence;
import io.micropay.server.session.ServerContext;
import io.micropay.server.session.Session;
import io.micropay.server.session.SessionAdmission;
import io.micropay.server.session.Settlement;
import io.micropay.server.transport.TlsServer;
import io.micropay.server.transport.TransportLimits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Optional;
import java.util.Base64;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The headless payment server: a TLS listener that requires peer certificates, a bounded worker
 * pool, sessions, presence and the ledger. {@link #start} returns once it is listening;
 * {@link #close} shuts it down gracefully: stop accepting, finish what was submitted, close the
 * database cleanly.
 */
public final class PaymentServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentServer.class);
  /** How often live sessions are checked against the CRL and their expiry. */
  public static final long REVOCATION_SWEEP_MILLIS = 1_000;
  /** How long shutdown waits for in-flight work before it closes connections anyway. */
  public static final long SHUTDOWN_WAIT_MILLIS = 10_000;
  /** Reply bytes queued for one client before it counts as not reading (a full online list). */
  private static final int MAX_QUEUED_OUTPUT_BYTES = 16 * 1024 * 1024;
  /** Lines received but not yet handled, per connection, before reading pauses. */
  private static final int MAX_QUEUED_LINES = 64;

  private final ServerConfig config;
  private final TlsFactory tls;
  private final Ledger ledger;
  private final Settlement settlement;
  private final ThreadPoolExecutor workers;
  private final ScheduledExecutorService housekeeping;
  private final SessionAdmission admission;
  private final Presence presence;
  private final TlsServer transport;
  private CertificateRenewal renewal;
  private final ServerMetrics metrics;
  private final Instant startedAt = Instant.now();
  private ActivityHistory activity;
  private OperatorEndpoint operatorEndpoint;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  private PaymentServer(ServerConfig config, TlsFactory tls, Ledger ledger, Settlement settlement,
      ThreadPoolExecutor workers, ScheduledExecutorService housekeeping,
      SessionAdmission admission, Presence presence, TlsServer transport,
      ServerMetrics metrics) {
    this.config = config;
    this.tls = tls;
    this.ledger = ledger;
    this.settlement = settlement;
    this.workers = workers;
    this.housekeeping = housekeeping;
    this.admission = admission;
    this.presence = presence;
    this.transport = transport;
    this.metrics = metrics;
  }

  /** Starts a server with {@code config} and no operator endpoint; returns when it listens. */
  public static PaymentServer start(ServerConfig config) throws IOException {
    return start(config, OperatorSettings.OFF);
  }

  /** Starts a server with {@code config} and {@code operator}; returns when it listens. */
  public static PaymentServer start(ServerConfig config, OperatorSettings operator)
      throws IOException {
    LOG.info("starting with {} {}", config.describe(), operator.describe());
    TlsFactory tls = TlsFactory.builder().forLayout(config.pki())
        .identity(config.pki().serverCertificate(), config.pki().serverKey(),
            config.keyPassphrase(), Role.SERVER)
        .handshakeTimeoutMillis((int) config.handshakeTimeout().toMillis())
        .applicationProtocols(new ApplicationProtocols(ProtocolVersion.ALPN_NAMES,
            ProtocolVersion.ALPN_FAMILY))
        .engine(config.tlsEngine())
        .build();
    JdbcLedger ledger = JdbcLedger.open(LedgerDatabase.open(config.databaseUrl(),
        config.databasePasswordText(), config.workerThreads() + 2), true);
    ThreadPoolExecutor workers = null;
    ScheduledExecutorService housekeeping = null;
    Settlement settlement = null;
    ServerMetrics metrics = new ServerMetrics();
    PaymentServer server = null;
    Presence presence = null;
    try {
      settlement = new BatchingSettlement(ledger, metrics::batchSettled);
      workers = workerPool(config);
      EventLog log = new EventLog(config.verbosity());
      PostgresPresence shared = SharedPresence.of(ledger.database(), config);
      presence = new Presence(log, shared);
      if (shared != null) {
        ledger.guardSessions(new PresenceGuard(shared.serverId()));
      }
      String publicKey = Base64.getEncoder().encodeToString(
          tls.certificate().getPublicKey().getEncoded());
      ServerContext context = new ServerContext(ledger, settlement, presence, log, publicKey,
          config.initialBalanceUnits(), config.maxDepositUnits(), config.idleTimeout().toMillis(),
          metrics, content -> SignedContent.sign(content, tls.signingIdentity()));
      SessionAdmission admission = new SessionAdmission(context, config.maxSessions());
      TlsServer transport = TlsServer.start(tls, config.bindAddress(), limits(config), workers,
          admission, metrics);
      metrics.watch(admission::activeSessions, transport::openConnections);
      housekeeping = Executors.newSingleThreadScheduledExecutor(named("housekeeping"));
      server = new PaymentServer(config, tls, ledger, settlement, workers,
          housekeeping, admission, presence, transport, metrics);
      housekeeping.scheduleWithFixedDelay(server::endRevokedSessions, REVOCATION_SWEEP_MILLIS,
          REVOCATION_SWEEP_MILLIS, TimeUnit.MILLISECONDS);
      server.activity = new ActivityHistory(metrics, admission::activeSessions,
          transport::openConnections);
      housekeeping.scheduleAtFixedRate(server::sampleActivity, operator.summaryIntervalMillis(),
          operator.summaryIntervalMillis(), TimeUnit.MILLISECONDS);
      BindAddressCheck.warning(tls.certificate(), config.bindAddress().getAddress())
          .ifPresent(warning -> LOG.warn("{}", warning));
      if (operator.port().isPresent()) {
        server.operatorEndpoint = startOperatorEndpoint(config, operator, server);
      }
      if (server.operatorEndpoint != null) {
        LOG.info("operator endpoint on https://{}:{}/ (operator certificates only)",
            server.operatorEndpoint.address().getHostString(),
            server.operatorEndpoint.address().getPort());
      }
      server.renewal = CertificateRenewal.startIfKnown(tls, config.pki(),
          config.pki().serverCertificate(), renewed -> { }).orElse(null);
      return server;
    } catch (IOException | RuntimeException e) {
      if (server != null) {
        server.close();
        throw e;
      }
      if (housekeeping != null) {
        housekeeping.shutdownNow();
      }
      if (workers != null) {
        workers.shutdownNow();
      }
      if (settlement != null) {
        settlement.close();
      }
      if (presence != null) {
        presence.close();
      }
      ledger.close();
      throw e;
    }
  }

  /** The operator endpoint's address, when it has one. */
  public Optional<InetSocketAddress> operatorAddress() {
    return Optional.ofNullable(operatorEndpoint).map(OperatorEndpoint::address);
  }

  /** What the server counts. */
  public ServerMetrics metrics() {
    return metrics;
  }

  /** When it started. */
  public Instant startedAt() {
    return startedAt;
  }

  /** Whether the payment port accepts new connections. */
  public boolean isAccepting() {
    return !closed.get() && transport.isAccepting();
  }

  /** Who is online. */
  public Presence presence() {
    return presence;
  }

  /** Read-only questions about the journal, on connections of their own. */
  public TransferHistory transferHistory() {
    return new TransferHistory(config.databaseUrl());
  }

  /** The online backup of the ledger. */
  public LedgerBackup ledgerBackup() {
    return new LedgerBackup(config.databaseUrl());
  }

  /** The summary of the last interval, as logged; for tests that cannot wait 10 s. */
  public Optional<String> sampleActivity() {
    try {
      return activity.sample();
    } catch (RuntimeException e) {
      LOG.error("activity sample failed", e);
      return Optional.empty();
    }
  }

  /** Where the server listens. */
  public InetSocketAddress address() {
    return transport.address();
  }

  /** The port it listens on. */
  public int port() {
    return address().getPort();
  }

  /** The server's TLS material (its certificate, the CA it trusts). */
  public TlsFactory tls() {
    return tls;
  }

  /**
   * Whether the server can settle now: false while its ledger's database is unusable (a full
   * disk, PostgreSQL gone), until the ledger has reopened itself. For health checks.
   */
  public boolean isReady() {
    return ledger.isReady();
  }

  /** The ledger, for audits and for tests. */
  public Ledger ledger() {
    return ledger;
  }

  /** Sessions open now. */
  public int activeSessions() {
    return admission.activeSessions();
  }

  /** Accounts online now. */
  public int onlineAccounts() {
    return presence.size();
  }

  /** Connections open now, in the handshake or in a session. */
  public int openConnections() {
    return transport.openConnections();
  }

  /**
   * Connections refused or cut off so far by the transport's bound {@code limit} (the reason
   * labels of {@code micropay_refusals_total}, such as {@code max_connections_per_certificate}).
   */
  public long transportRefusals(String limit) {
    return transport.refusals(limit);
  }

  /** Reply bytes queued for all connections now, not yet encrypted. */
  public long queuedReplyBytes() {
    return transport.queuedOutputBytes();
  }

  /** The configuration it runs with. */
  public ServerConfig config() {
    return config;
  }

  /**
   * Shuts down gracefully: stops accepting; asks every session to end once what it already sent
   * is answered (version-2 peers hear {@code CLOSING#SHUTDOWN}), bounded by
   * {@link #SHUTDOWN_WAIT_MILLIS}; then closes what is left, and the database.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("shutting down: no new connections; finishing in-flight requests");
    if (operatorEndpoint != null) {
      operatorEndpoint.close();
    }
    transport.stopAccepting();
    housekeeping.shutdownNow();
    if (renewal != null) {
      renewal.close();
    }
    admission.sessions().forEach(Session::shutDown);
    try {
      if (!admission.awaitNoSessions(SHUTDOWN_WAIT_MILLIS)) {
        LOG.warn("{} sessions still open after {} ms; closing them anyway",
            admission.activeSessions(), SHUTDOWN_WAIT_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    settlement.close();
    workers.shutdown();
    try {
      if (!workers.awaitTermination(SHUTDOWN_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        LOG.warn("requests still running after {} ms; closing anyway", SHUTDOWN_WAIT_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    transport.close();
    presence.close();
    ledger.close();
    LOG.info("stopped");
  }

  private static OperatorEndpoint startOperatorEndpoint(ServerConfig config,
      OperatorSettings operator, PaymentServer server) throws IOException {
    InetSocketAddress address = new InetSocketAddress(config.bindAddress().getAddress(),
        operator.port().getAsInt());
    try {
      return OperatorEndpoint.start(address, server, server.activity);
    } catch (java.net.BindException e) {
      if (operator.portRequired()) {
        throw new java.net.BindException("cannot listen on operator port "
            + address.getPort() + ": " + e.getMessage());
      }
      LOG.warn("no operator endpoint: port {} (--port + 1) is taken ({}); choose one with "
          + "--operator-port <port>, or turn it off with --operator-port off",
          address.getPort(), e.getMessage());
      return null;
    }
  }

  /** Ends the sessions whose certificate was revoked or expired since they connected. */
  private void endRevokedSessions() {
    try {
      for (Session session : admission.sessions()) {
        tls.rejectionOf(session.connection().identity().certificate()).ifPresent(rejection -> {
          LOG.warn("conn={} account={} ended: {}", session.connection().id(),
              session.certificateName(), rejection.getMessage());
          session.certificateRejected(rejection);
        });
      }
    } catch (RuntimeException e) {
      LOG.error("revocation sweep failed", e);
    }
  }

  private static TransportLimits limits(ServerConfig config) {
    return new TransportLimits((int) config.handshakeTimeout().toMillis(),
        (int) config.idleTimeout().toMillis(), config.maxHandshakes(),
        config.maxSessions() + config.maxHandshakes(), Limits.MAX_LINE_BYTES, MAX_QUEUED_LINES,
        MAX_QUEUED_OUTPUT_BYTES, config.ioThreads(),
        TransportLimits.defaultMaxQueuedOutputBytesTotal(Runtime.getRuntime().maxMemory(),
            MAX_QUEUED_OUTPUT_BYTES),
        config.maxConnectionsPerCertificate());
  }

  private static ThreadPoolExecutor workerPool(ServerConfig config) {
    // One queued task per connection at most (see the transport's SerialExecutor), plus the
    // handshake tasks: the queue can hold them all, so refusing work means real overload.
    int queueCapacity = 2 * (config.maxSessions() + config.maxHandshakes());
    ThreadPoolExecutor pool = new ThreadPoolExecutor(config.workerThreads(),
        config.workerThreads(), 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queueCapacity),
        named("worker"), new ThreadPoolExecutor.AbortPolicy());
    pool.prestartAllCoreThreads();
    return pool;
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
