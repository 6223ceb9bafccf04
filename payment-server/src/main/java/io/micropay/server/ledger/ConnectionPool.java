package io.micropay.server.ledger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A fixed set of JDBC connections, opened up front with autocommit off and READ COMMITTED. A
 * borrower waits a bounded time; the ledger is the only user, and it never needs more
 * connections than there are threads calling it, so a long wait means something is stuck and the
 * message says how the pool looked.
 */
final class ConnectionPool implements AutoCloseable {
  /** How long a borrower waits for a connection. */
  static final long BORROW_TIMEOUT_MILLIS = 30_000;

  private final BlockingQueue<Connection> idle;
  private final List<Connection> all;

  ConnectionPool(String url, int size) throws SQLException {
    if (size < 1) {
      throw new IllegalArgumentException("pool size must be positive, was " + size);
    }
    this.idle = new ArrayBlockingQueue<>(size);
    this.all = new ArrayList<>(size);
    try {
      for (int i = 0; i < size; i++) {
        Connection connection = DriverManager.getConnection(url);
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        all.add(connection);
        idle.add(connection);
      }
    } catch (SQLException e) {
      close();
      throw e;
    }
  }

  /** A connection for one unit of work; give it back with {@link #release}. */
  Connection borrow() {
    try {
      Connection connection = idle.poll(BORROW_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      if (connection == null) {
        throw new LedgerException("Connection is not available (size=" + all.size()
            + ", idle=" + idle.size() + ", waited=" + BORROW_TIMEOUT_MILLIS + " ms)");
      }
      return connection;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LedgerException("interrupted while waiting for a database connection", e);
    }
  }

  /** Gives a connection back, rolled back if its work did not end its transaction. */
  void release(Connection connection) {
    try {
      if (!connection.isClosed()) {
        connection.rollback();
      }
    } catch (SQLException ignored) {
      // A broken connection goes back anyway; its next user gets the error and reports it.
    }
    idle.add(connection);
  }

  @Override
  public void close() {
    for (Connection connection : all) {
      try {
        connection.rollback();
        connection.close();
      } catch (SQLException ignored) {
        // Closing at shutdown: the database shutdown that follows reports real problems.
      }
    }
  }
}
