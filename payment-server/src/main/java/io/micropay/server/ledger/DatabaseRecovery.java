package io.micropay.server.ledger;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings an unusable ledger database back without a restart. From the first failure that says
 * the database is unusable until a test write commits again, the database is not ready: work is
 * refused at once with the reason.
 *
 * <p>Why it reopens embedded Derby: when a write to its files fails (a full disk), Derby turns
 * the database read-only (SQLState 25502) or shuts it down, and the connections open on it
 * never write again, even after space is freed. Only a reboot of the database clears that, so
 * each attempt closes the pool, shuts the database down and boots it with a new pool. A
 * PostgreSQL server that went away needs no such thing: the pool replaces broken connections by
 * itself, so an attempt is only the test write.
 */
final class DatabaseRecovery implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseRecovery.class);
  /** Pause between two attempts to reopen. */
  static final long RETRY_INTERVAL_MILLIS = 1_000;
  /** A write that changes nothing but must reach the log: the proof that writing works. */
  private static final String TEST_WRITE = "UPDATE schema_version SET version = version";

  private final LedgerDatabase database;
  private final AtomicBoolean recovering = new AtomicBoolean();
  private volatile String reason = "";
  private ScheduledExecutorService attempts;

  DatabaseRecovery(LedgerDatabase database) {
    this.database = database;
  }

  boolean isRecovering() {
    return recovering.get();
  }

  /** Why the database is not ready, while it is not. */
  String reason() {
    return reason;
  }

  /**
   * Marks the database not ready because of {@code cause} and starts attempts to bring it back.
   * Only the first failure of an episode is logged; the others it explains are the same news.
   */
  synchronized void start(SQLException cause) {
    if (database.isClosed() || !recovering.compareAndSet(false, true)) {
      return;
    }
    reason = Dialect.rootMessage(cause) + " (SQLState " + cause.getSQLState() + ")";
    LOG.error("ledger {} is unusable: {}; refusing requests until it can write again, and "
        + "reopening it by itself", database.describe(), reason);
    attempts = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "ledger-recovery");
      thread.setDaemon(true);
      return thread;
    });
    attempts.scheduleWithFixedDelay(this::attempt, RETRY_INTERVAL_MILLIS, RETRY_INTERVAL_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  private void attempt() {
    try {
      if (database.dialect() == Dialect.DERBY) {
        database.closePool();
        HikariDataSource fresh = database.newPool();
        if (!writes(fresh)) {
          fresh.close();
          return;
        }
        database.replacePool(fresh);
      } else if (!writes((HikariDataSource) database.dataSource())) {
        return;
      }
      LOG.info("ledger {} can write again: ready", database.describe());
      finish();
    } catch (RuntimeException e) {
      LOG.debug("ledger {} still unusable: {}", database.describe(), e.getMessage());
    }
  }

  private boolean writes(HikariDataSource pool) {
    try (Connection connection = pool.getConnection();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate(TEST_WRITE);
      connection.commit();
      return true;
    } catch (SQLException e) {
      LOG.debug("ledger {} still unusable: {} (SQLState {})", database.describe(),
          e.getMessage(), e.getSQLState());
      return false;
    }
  }

  private synchronized void finish() {
    recovering.set(false);
    if (attempts != null) {
      attempts.shutdown();
      attempts = null;
    }
  }

  /** Stops the attempts; the database is being closed. */
  @Override
  public void close() {
    ScheduledExecutorService running;
    synchronized (this) {
      running = attempts;
      attempts = null;
    }
    if (running != null) {
      running.shutdownNow();
      try {
        running.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
