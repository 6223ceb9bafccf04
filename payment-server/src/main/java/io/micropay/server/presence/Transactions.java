package io.micropay.server.presence;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** One unit of presence work on a pooled connection, committed or rolled back as a whole. */
final class Transactions {
  private Transactions() {
  }

  static <T> T run(DataSource pool, String failure, PostgresPresence.Work<T> work) {
    try (Connection connection = pool.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(connection);
        throw e;
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new PresenceException(failure + ": " + e.getMessage(), e);
    }
  }

  private static void rollbackQuietly(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      // The connection is broken; the pool discards it, and the work failed anyway.
    }
  }
}
