package io.micropay.server.ledger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed set of JDBC connections, opened up front with autocommit off and READ COMMITTED.
 *
 * <p>Why a pool and not a connection per call: on PostgreSQL a new connection costs a TCP and
 * authentication round trip and a server process, far more than the transfer it would carry;
 * and a fixed size bounds how much work the database sees at once, so the server's worker
 * count, not a burst of clients, decides the load. Why not a library pool: the ledger is the
 * only user, its needs fit in this class, and one dependency fewer is one less to review.
 *
 * <p>A borrower waits a bounded time. The ledger never needs more connections than there are
 * threads calling it, so a long wait means something is stuck, and the message says how the
 * pool looked.
 */
final class ConnectionPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionPool.class);
  /** The most connections a pool may hold; above the server's most worker threads. */
  static final int MAX_SIZE = 1_024;

  private final String url;
  private final long borrowTimeoutMillis;
  private final BlockingQueue<Connection> idle;
  private final List<Connection> all;
  private volatile boolean closed;

  /**
   * Opens {@code size} connections to {@code url}.
   *
   * @throws SQLException if one cannot be opened; those already open are closed
   */
  ConnectionPool(String url, int size, long borrowTimeoutMillis) throws SQLException {
    if (size < 1 || size > MAX_SIZE) {
      throw new IllegalArgumentException("pool size must be 1 to " + MAX_SIZE + ", was " + size);
    }
    if (borrowTimeoutMillis < 1) {
      throw new IllegalArgumentException("the borrow timeout must be positive, was "
          + borrowTimeoutMillis + " ms");
    }
    this.url = url;
    this.borrowTimeoutMillis = borrowTimeoutMillis;
    this.idle = new ArrayBlockingQueue<>(size);
    this.all = new ArrayList<>(size);
    try {
      for (int i = 0; i < size; i++) {
        Connection connection = connect();
        all.add(connection);
        idle.add(connection);
      }
    } catch (SQLException e) {
      close();
      throw e;
    }
  }

  /**
   * A connection for one unit of work; give it back with {@link #release}.
   *
   * @throws LedgerException if none became free within the borrow timeout, the pool is closed,
   *     or the thread was interrupted (its interrupt flag is kept)
   */
  Connection borrow() {
    if (closed) {
      throw new LedgerException("the ledger is closed");
    }
    try {
      Connection connection = idle.poll(borrowTimeoutMillis, TimeUnit.MILLISECONDS);
      if (connection == null) {
        throw new LedgerException("Connection is not available (size=" + all.size()
            + ", idle=" + idle.size() + ", waiting-timeout=" + borrowTimeoutMillis + " ms)");
      }
      return connection;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LedgerException("interrupted while waiting for a database connection", e);
    }
  }

  /**
   * Gives a connection back after rolling back whatever its work left open. A connection that
   * cannot even roll back is broken (a dropped PostgreSQL link): it is replaced by a new one, so
   * one network blip does not poison a slot for good.
   */
  void release(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      connection = replace(connection, e);
    }
    if (closed) {
      closeQuietly(connection);
      return;
    }
    if (!idle.offer(connection)) {
      throw new IllegalStateException("a connection was released twice, or was not ours");
    }
  }

  private Connection replace(Connection broken, SQLException failure) {
    if (closed) {
      return broken;
    }
    LOG.warn("ledger connection broken ({}, SQLState {}); opening a new one",
        failure.getMessage(), failure.getSQLState());
    try {
      Connection fresh = connect();
      synchronized (all) {
        all.set(all.indexOf(broken), fresh);
      }
      closeQuietly(broken);
      return fresh;
    } catch (SQLException e) {
      // The database is unreachable right now: keep the old one in its slot; its next user gets
      // an error that says so, and the next release tries again.
      LOG.warn("cannot reopen a ledger connection: {} (SQLState {})", e.getMessage(),
          e.getSQLState());
      return broken;
    }
  }

  private Connection connect() throws SQLException {
    Connection connection = DriverManager.getConnection(url);
    try {
      // Set explicitly: the default isolation differs between databases and drivers.
      connection.setAutoCommit(false);
      connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      return connection;
    } catch (SQLException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  /** Closes every connection, also those still borrowed; later borrows fail. */
  @Override
  public void close() {
    closed = true;
    synchronized (all) {
      for (Connection connection : all) {
        try {
          if (!connection.isClosed()) {
            connection.rollback();
          }
        } catch (SQLException e) {
          LOG.debug("rollback at close failed: {}", e.getMessage());
        }
        closeQuietly(connection);
      }
    }
    idle.clear();
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      // Closing at shutdown or after a failure: the database shutdown that follows, or the
      // failure already reported, is what an operator needs to see.
      LOG.debug("closing a ledger connection failed: {}", e.getMessage());
    }
  }
}
