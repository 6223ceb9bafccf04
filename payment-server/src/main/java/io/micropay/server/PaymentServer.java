package io.micropay.server;

import io.micropay.pki.Role;
import io.micropay.pki.TlsFactory;
import io.micropay.pki.client.CertificateRenewal;
import io.micropay.pki.tls.ApplicationProtocols;
import io.micropay.protocol.Limits;
import io.micropay.protocol.ProtocolVersion;
import io.micropay.server.ledger.JdbcLedger;
import io.micropay.server.ledger.Ledger;
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
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  private PaymentServer(ServerConfig config, TlsFactory tls, Ledger ledger, Settlement settlement,
      ThreadPoolExecutor workers, ScheduledExecutorService housekeeping,
      SessionAdmission admission, Presence presence, TlsServer transport) {
    this.config = config;
    this.tls = tls;
    this.ledger = ledger;
    this.settlement = settlement;
    this.workers = workers;
    this.housekeeping = housekeeping;
    this.admission = admission;
    this.presence = presence;
    this.transport = transport;
  }

  /** Starts a server with {@code config}; returns when it listens. */
  public static PaymentServer start(ServerConfig config) throws IOException {
    LOG.info("starting with {}", config.describe());
    TlsFactory tls = TlsFactory.builder().forLayout(config.pki())
        .identity(config.pki().serverCertificate(), config.pki().serverKey(),
            config.keyPassphrase(), Role.SERVER)
        .handshakeTimeoutMillis((int) config.handshakeTimeout().toMillis())
        .applicationProtocols(new ApplicationProtocols(ProtocolVersion.ALPN_NAMES,
            ProtocolVersion.ALPN_FAMILY))
        .build();
    Ledger ledger = JdbcLedger.open(config.databaseUrl(), config.workerThreads() + 2);
    ThreadPoolExecutor workers = null;
    ScheduledExecutorService housekeeping = null;
    Settlement settlement = null;
    try {
      settlement = new BatchingSettlement(ledger);
      workers = workerPool(config);
      EventLog log = new EventLog(config.verbosity());
      Presence presence = new Presence(log);
      String publicKey = Base64.getEncoder().encodeToString(
          tls.certificate().getPublicKey().getEncoded());
      ServerContext context = new ServerContext(ledger, settlement, presence, log, publicKey,
          config.initialBalanceUnits(), config.maxDepositUnits(), config.idleTimeout().toMillis());
      SessionAdmission admission = new SessionAdmission(context, config.maxSessions());
      TlsServer transport = TlsServer.start(tls, config.bindAddress(), limits(config), workers,
          admission);
      housekeeping = Executors.newSingleThreadScheduledExecutor(named("housekeeping"));
      PaymentServer server = new PaymentServer(config, tls, ledger, settlement, workers,
          housekeeping, admission, presence, transport);
      housekeeping.scheduleWithFixedDelay(server::endRevokedSessions, REVOCATION_SWEEP_MILLIS,
          REVOCATION_SWEEP_MILLIS, TimeUnit.MILLISECONDS);
      server.renewal = CertificateRenewal.startIfKnown(tls, config.pki(),
          config.pki().serverCertificate(), renewed -> { }).orElse(null);
      return server;
    } catch (IOException | RuntimeException e) {
      if (housekeeping != null) {
        housekeeping.shutdownNow();
      }
      if (workers != null) {
        workers.shutdownNow();
      }
      if (settlement != null) {
        settlement.close();
      }
      ledger.close();
      throw e;
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
    ledger.close();
    LOG.info("stopped");
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
    int maxConnections = config.maxSessions() + config.maxHandshakes();
    // The transport can bound the connections of one certificate; the server does not narrow
    // it yet (no option for it, and hostile tests hold many sessions with one certificate), so
    // the bound here is the connection limit itself. The reply bytes of all connections are
    // bounded regardless, which is what keeps one certificate from filling the heap.
    return new TransportLimits((int) config.handshakeTimeout().toMillis(),
        (int) config.idleTimeout().toMillis(), config.maxHandshakes(), maxConnections,
        Limits.MAX_LINE_BYTES, MAX_QUEUED_LINES, MAX_QUEUED_OUTPUT_BYTES, config.ioThreads(),
        TransportLimits.DEFAULT_MAX_QUEUED_OUTPUT_BYTES_TOTAL, maxConnections);
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
