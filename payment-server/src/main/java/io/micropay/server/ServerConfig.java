package io.micropay.server;

import io.micropay.protocol.Limits;
import io.micropay.pki.Passphrase;
import io.micropay.pki.PkiLayout;
import io.micropay.pki.tls.TlsEngineChoice;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Everything the payment server needs to start, checked once when it is made: a value that
 * makes no sense is refused with a message instead of being quietly adjusted. Immutable.
 *
 * @param bindAddress where to listen (port 0: any free port)
 * @param pki the CA certificate, CRL, and the server's certificate and key
 * @param keyPassphrase the passphrase of the server key, if it is encrypted
 * @param databaseUrl the JDBC URL of the ledger
 * @param workerThreads threads handling handshake crypto and session requests
 * @param ioThreads selector threads doing socket and TLS record work
 * @param maxSessions authenticated sessions allowed at once; one more gets {@code 240 BUSY}
 * @param maxHandshakes TLS handshakes in progress at once; beyond it the oldest is dropped
 * @param initialBalanceUnits the balance a new account opens with
 * @param maxDepositUnits the largest deposit accepted; 0 disables deposits
 * @param idleTimeout how long a session may send nothing before it is closed
 * @param handshakeTimeout how long a client has to finish its TLS handshake
 * @param verbosity how much to log about sessions
 * @param databasePassword the ledger database's password, if it needs one (never in the URL)
 * @param maxConnectionsPerCertificate connections one certificate (its account name) may hold
 *     at once, from the end of the handshake, logged in or not; one more is closed at once
 * @param tlsEngine the TLS engine of the payment port
 */
public record ServerConfig(InetSocketAddress bindAddress, PkiLayout pki, Passphrase keyPassphrase,
    String databaseUrl, int workerThreads, int ioThreads, int maxSessions, int maxHandshakes,
    long initialBalanceUnits, long maxDepositUnits, Duration idleTimeout,
    Duration handshakeTimeout, Verbosity verbosity, Passphrase databasePassword,
    int maxConnectionsPerCertificate, TlsEngineChoice tlsEngine) {

  /** Upper bound of {@code workerThreads}: more only adds contention on 2 to 16 cores. */
  public static final int MAX_WORKER_THREADS = 512;
  /** Upper bound of {@code ioThreads}. */
  public static final int MAX_IO_THREADS = 64;
  /** Upper bound of {@code maxSessions}: each costs memory and a file descriptor. */
  public static final int MAX_SESSIONS = 100_000;
  /**
   * The default of {@code maxConnectionsPerCertificate}: a peer needs one session; a few more
   * cover a reconnect while the server has not yet seen the old connection die.
   */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_CERTIFICATE =
      io.micropay.server.transport.TransportLimits.DEFAULT_MAX_CONNECTIONS_PER_CERTIFICATE;
  /** Upper bound of the timeouts: a day. */
  public static final Duration MAX_TIMEOUT = Duration.ofDays(1);

  /** A configuration whose ledger database needs no password (Derby, trusted PostgreSQL). */
  public ServerConfig(InetSocketAddress bindAddress, PkiLayout pki, Passphrase keyPassphrase,
      String databaseUrl, int workerThreads, int ioThreads, int maxSessions, int maxHandshakes,
      long initialBalanceUnits, long maxDepositUnits, Duration idleTimeout,
      Duration handshakeTimeout, Verbosity verbosity) {
    this(bindAddress, pki, keyPassphrase, databaseUrl, workerThreads, ioThreads, maxSessions,
        maxHandshakes, initialBalanceUnits, maxDepositUnits, idleTimeout, handshakeTimeout,
        verbosity, Passphrase.none());
  }

  /**
   * A configuration with the default limit of connections per certificate, on the native TLS
   * engine where it loads.
   */
  public ServerConfig(InetSocketAddress bindAddress, PkiLayout pki, Passphrase keyPassphrase,
      String databaseUrl, int workerThreads, int ioThreads, int maxSessions, int maxHandshakes,
      long initialBalanceUnits, long maxDepositUnits, Duration idleTimeout,
      Duration handshakeTimeout, Verbosity verbosity, Passphrase databasePassword) {
    this(bindAddress, pki, keyPassphrase, databaseUrl, workerThreads, ioThreads, maxSessions,
        maxHandshakes, initialBalanceUnits, maxDepositUnits, idleTimeout, handshakeTimeout,
        verbosity, databasePassword, DEFAULT_MAX_CONNECTIONS_PER_CERTIFICATE,
        TlsEngineChoice.automatic());
  }

  public ServerConfig {
    requireRange("port", bindAddress.getPort(), 0, 65_535);
    requireRange("worker threads", workerThreads, 1, MAX_WORKER_THREADS);
    requireRange("I/O threads", ioThreads, 1, MAX_IO_THREADS);
    requireRange("max sessions", maxSessions, 1, MAX_SESSIONS);
    requireRange("max handshakes", maxHandshakes, 1, MAX_SESSIONS);
    requireRange("max connections per certificate", maxConnectionsPerCertificate, 1,
        MAX_SESSIONS);
    requireRange("initial balance", initialBalanceUnits, 0, Limits.MAX_BALANCE);
    requireRange("max deposit", maxDepositUnits, 0, Limits.MAX_AMOUNT);
    requireTimeout("idle timeout", idleTimeout);
    requireTimeout("handshake timeout", handshakeTimeout);
    if (databaseUrl == null || !databaseUrl.startsWith("jdbc:")) {
      throw new IllegalArgumentException("the database URL must be a JDBC URL (jdbc:...), was '"
          + databaseUrl + "'");
    }
    requireNoPasswordIn(databaseUrl);
    java.util.Objects.requireNonNull(databasePassword, "databasePassword");
    java.util.Objects.requireNonNull(tlsEngine, "tlsEngine");
  }

  /** One line describing the configuration, for the start-up log; holds no secret. */
  public String describe() {
    return "bind=" + bindAddress.getHostString() + ":" + bindAddress.getPort()
        + " ssl=" + pki.directory() + " db=" + redact(databaseUrl)
        + " workerThreads=" + workerThreads + " ioThreads=" + ioThreads
        + " maxSessions=" + maxSessions + " maxHandshakes=" + maxHandshakes
        + " maxConnectionsPerCertificate=" + maxConnectionsPerCertificate
        + " initialBalance=" + initialBalanceUnits + " maxDeposit=" + maxDepositUnits
        + " idleTimeoutMillis=" + idleTimeout.toMillis()
        + " handshakeTimeoutMillis=" + handshakeTimeout.toMillis()
        + " verbosity=" + verbosity.name().toLowerCase(java.util.Locale.ROOT)
        + " keyEncrypted=" + keyPassphrase.isPresent()
        + " tlsEngine=" + tlsEngine.engine().optionName();
  }

  /**
   * Refuses a database URL that carries a password: a command line is seen by every user of the
   * machine (ps) and lands in shell histories and logs.
   */
  public static void requireNoPasswordIn(String databaseUrl) {
    if (databaseUrl.toLowerCase(java.util.Locale.ROOT).matches(".*[?&;]password=.*")) {
      throw new IllegalArgumentException("the database URL must not hold the password: put it "
          + "in a file given with --db-password-file, or in the environment variable "
          + "MICROPAY_DB_PASSWORD");
    }
  }

  /** The database password as the driver takes it, or null when there is none. */
  public String databasePasswordText() {
    return databasePassword.characters().map(String::new).orElse(null);
  }

  /** JDBC URLs may carry a password (PostgreSQL's {@code password=}); never log it. */
  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^;&]*", "$1***");
  }

  private static void requireRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", was "
          + value);
    }
  }

  private static void requireTimeout(String name, Duration timeout) {
    // A timeout of 0 is not allowed: an infinite timeout can hold a connection forever.
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException(name + " must be more than 0 and at most "
          + MAX_TIMEOUT.toHours() + " h, was " + timeout);
    }
  }
}
