package io.micropay.server.ledger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool.PoolInitializationException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's database: its dialect and a HikariCP pool of connections (autocommit off, READ
 * COMMITTED), and the one way to run a transaction on it. The ledger uses it, and so may other
 * parts of the server that keep state in the same database.
 *
 * <p>It notices when the database becomes unusable (PostgreSQL gone, Derby turned read-only by
 * a full disk), says so once in an ERROR line, reports not {@link #isReady ready}, refuses work
 * at once instead of waiting, and brings itself back ({@link DatabaseRecovery}).
 */
public final class LedgerDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerDatabase.class);
  /** The most connections a pool may hold; above the server's most worker threads. */
  public static final int MAX_POOL_SIZE = 1_024;
  /** Runs of one transaction that the database rolled back (deadlock, lock timeout) at most. */
  private static final int MAX_TRANSIENT_ATTEMPTS = 10;

  private final String url;
  private final String password;
  private final int poolSize;
  private final Dialect dialect;
  private final DatabaseRecovery recovery;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile HikariDataSource pool;

  private LedgerDatabase(String url, String password, int poolSize, Dialect dialect) {
    this.url = url;
    this.password = password;
    this.poolSize = poolSize;
    this.dialect = dialect;
    this.recovery = new DatabaseRecovery(this);
  }

  /**
   * Opens {@code poolSize} connections to {@code jdbcUrl}.
   *
   * @param password the database password, or null when the URL needs none (never in the URL:
   *     it would end up in logs and process lists)
   * @throws LedgerException if the database cannot be reached or opened, with the reason in one
   *     line (host, port and the driver's reason for PostgreSQL)
   * @throws IllegalArgumentException if {@code poolSize} is outside 1 to {@link #MAX_POOL_SIZE}
   */
  public static LedgerDatabase open(String jdbcUrl, String password, int poolSize) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (poolSize < 1 || poolSize > MAX_POOL_SIZE) {
      throw new IllegalArgumentException("pool size must be 1 to " + MAX_POOL_SIZE + ", was "
          + poolSize);
    }
    Dialect dialect = Dialect.of(jdbcUrl);
    LedgerDatabase database = new LedgerDatabase(jdbcUrl, password, poolSize, dialect);
    database.pool = database.newPool();
    return database;
  }

  /** A new pool with every connection open, or a LedgerException that says why not. */
  HikariDataSource newPool() {
    dialect.beforeOpen(url);
    HikariConfig config = new HikariConfig();
    config.setPoolName("ledger");
    config.setJdbcUrl(url);
    if (password != null) {
      config.setPassword(password);
    }
    config.setAutoCommit(false);
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(poolSize);
    config.setConnectionTimeout(dialect.connectionTimeoutMillis());
    // Try one connection at start and fail at once: an unreachable database is an error the
    // operator must see now, not a pool that waits in the background.
    config.setInitializationFailTimeout(1);
    try {
      return new HikariDataSource(config);
    } catch (PoolInitializationException e) {
      SQLException cause = e.getCause() instanceof SQLException sql ? sql
          : new SQLException(e.getMessage(), e.getCause());
      throw new LedgerException(dialect.explainOpenFailure(url, cause), e);
    }
  }

  /** Which database this is. */
  public Dialect dialect() {
    return dialect;
  }

  /** The database, for messages: no user or password. */
  public String describe() {
    return dialect.describe(url);
  }

  /**
   * The pool, for other parts of the server that keep state in this database. Autocommit is
   * off: commit what you want kept. Do not hold a connection for long (the ledger needs them),
   * and ask again rather than keep the reference: an embedded Derby database is reopened with a
   * new pool after a failure.
   */
  public DataSource dataSource() {
    return pool;
  }

  /**
   * A new connection of its own, outside the pool, for a use that holds it for the life of the
   * server (PostgreSQL's LISTEN); the caller closes it.
   */
  public Connection openDedicated() throws SQLException {
    Properties properties = new Properties();
    if (password != null) {
      properties.setProperty("password", password);
    }
    return DriverManager.getConnection(url, properties);
  }

  /**
   * Whether the database takes work now: false from the moment it was found unusable until it
   * accepted a write again. For health checks.
   */
  public boolean isReady() {
    return !closed.get() && !recovery.isRecovering();
  }

  /** A unit of work on one connection; it commits what it wants kept. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} on a pooled connection, again when the database rolled it back (deadlock
   * victim, lock timeout). Whatever it did not commit is rolled back before the connection goes
   * back to the pool, so an early return or an exception leaves nothing behind and releases its
   * locks.
   *
   * @throws LedgerException if the work failed, or the database is closed or not ready
   */
  public <T> T inTransaction(Work<T> work) {
    for (int attempt = 1; ; attempt++) {
      Connection connection = borrow();
      try {
        return work.run(connection);
      } catch (SQLException e) {
        if (isTransient(e) && attempt < MAX_TRANSIENT_ATTEMPTS) {
          LOG.warn("ledger transaction rolled back by the database ({}, SQLState {}); running "
              + "it again (attempt {} of {})", e.getMessage(), e.getSQLState(), attempt + 1,
              MAX_TRANSIENT_ATTEMPTS);
          pauseBeforeRerun(attempt);
          continue;
        }
        throw failed(e);
      } finally {
        release(connection);
      }
    }
  }

  private Connection borrow() {
    if (closed.get()) {
      throw new LedgerException("the ledger is closed");
    }
    if (recovery.isRecovering()) {
      throw new LedgerException("the ledger " + describe() + " is not ready: "
          + recovery.reason());
    }
    try {
      return pool.getConnection();
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /** Rolls back what was not committed and returns the connection to the pool. */
  private void release(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      // The pool tests and replaces a broken connection; the work's own failure, if any, is
      // what the caller sees.
      LOG.debug("rollback on release failed: {} (SQLState {})", e.getMessage(), e.getSQLState());
    }
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.warn("could not return a ledger connection: {} (SQLState {})", e.getMessage(),
          e.getSQLState());
    }
  }

  /**
   * The exception for a failed unit of work. A failure that says the database is unusable
   * starts its recovery, which logs the one ERROR line; any other is logged here.
   */
  private LedgerException failed(SQLException e) {
    String message = "ledger operation failed: " + Dialect.rootMessage(e) + " (SQLState "
        + e.getSQLState() + ")";
    if (dialect.isUnusable(e)) {
      recovery.start(e);
    } else {
      LOG.error("{}", message, e);
    }
    return new LedgerException(message, e);
  }

  /** Closes the current pool and, for embedded Derby, shuts the database down. */
  void closePool() {
    HikariDataSource current = pool;
    if (current != null) {
      current.close();
    }
    dialect.afterClose(url);
  }

  /** Puts a new pool in place after a recovery. */
  void replacePool(HikariDataSource fresh) {
    pool = fresh;
  }

  /** Whether close was called; recovery stops then. */
  boolean isClosed() {
    return closed.get();
  }

  /**
   * A short random pause, longer with each attempt, so that transactions rolled back together
   * do not collide again at once.
   */
  private static void pauseBeforeRerun(int attempt) {
    try {
      Thread.sleep(1 + ThreadLocalRandom.current().nextInt(5 * attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * SQL class 40, transaction rollback: a deadlock victim or a lock timeout. Derby raises the
   * latter when concurrent inserts race for its identity generator, most often on a fresh
   * database.
   */
  private static boolean isTransient(SQLException e) {
    return e.getSQLState() != null && e.getSQLState().startsWith("40");
  }

  /** Closes the pool; for embedded Derby also shuts the database down. Again: nothing. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    recovery.close();
    closePool();
  }
}
