package io.micropay.server.ledger;

import io.micropay.pki.SystemDefaults;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening and closing embedded Derby properly: clear messages for the usual failures, and a clean
 * shutdown whose expected "exception" is checked by SQLState instead of ignored.
 */
final class DerbyLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(DerbyLifecycle.class);
  /**
   * Derby's SQLState for "database shut down", which is how a one-database shutdown, and the
   * drop of an in-memory database, report success.
   */
  private static final String DATABASE_SHUT_DOWN = "08006";
  /** Another JVM has the database open. */
  private static final String ALREADY_BOOTED = "XSDB6";
  /** Derby's SQLState when a database does not exist and create was not asked. */
  private static final String NOT_FOUND = "XJ004";

  /**
   * Derby's SQLStates, or their prefixes, for a database it will no longer write through the
   * connections open on it: read-only (it turns the database read-only when a write to its log
   * or data files fails, for example on a full disk), shut down after a severe error, log and
   * data file I/O failures, a lost connection. Only a reboot of the database clears them.
   */
  private static final java.util.List<String> UNUSABLE = java.util.List.of("25502", "08",
      "XSLA", "XSDG", "XJ040", "XSDB");

  private DerbyLifecycle() {
  }

  /** Whether {@code failure} or a failure it chains says the database must be reopened. */
  static boolean isUnusable(SQLException failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql && sql.getSQLState() != null) {
        for (String state : UNUSABLE) {
          if (sql.getSQLState().startsWith(state)) {
            return true;
          }
        }
      }
      if (cause instanceof SQLException sql && sql.getNextException() != null
          && sql.getNextException() != cause && isUnusable(sql.getNextException())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Derby settings for a ledger that settles thousands of transfers a second, each applied only
   * when the operator has not set it (a -D on the java command line wins). Derby reads them when
   * it boots, so they are set before the first connection.
   * <ul>
   *   <li>page cache 20,000 pages (80 MB) instead of 1,000: the journal's indexes stay in memory;
   *   <li>log buffer 1 MB instead of 32 KB: a batch of a thousand transfers fits in one write;
   *   <li>10,000 identity values reserved at a time instead of 100: fewer updates of Derby's
   *       sequence catalog (a crash may leave a gap in entry ids, which mean only order).
   * </ul>
   */
  static void configureForThroughput() {
    SystemDefaults.setIfAbsent("derby.storage.pageCacheSize", "20000");
    SystemDefaults.setIfAbsent("derby.storage.logBufferSize", "1048576");
    SystemDefaults.setIfAbsent("derby.language.sequence.preallocator", "10000");
  }

  static boolean isEmbeddedDerby(String url) {
    return url.startsWith("jdbc:derby:") && !url.startsWith("jdbc:derby://");
  }

  /** What went wrong opening {@code url}, in words an operator can act on. */
  static String explainOpenFailure(String url, SQLException failure) {
    // Derby's own message ("Failed to start database ..., see the next exception") hides the
    // reason in the chain of next exceptions and causes: look through both.
    java.util.List<Throwable> chain = new java.util.ArrayList<>();
    for (SQLException next = failure; next != null && chain.size() < 16;
        next = next.getNextException()) {
      for (Throwable cause = next; cause != null && chain.size() < 16;
          cause = cause.getCause()) {
        chain.add(cause);
      }
    }
    for (Throwable cause : chain) {
      if (cause instanceof SQLException sql && ALREADY_BOOTED.equals(sql.getSQLState())) {
        return "the ledger " + databaseName(url) + " is in use by another process (a running "
            + "server?): ask the running server through its operator endpoint (start it with "
            + "--operator-port, and see docs/operations.md), stop it first, or work on a copy";
      }
      if (cause instanceof SQLException sql && NOT_FOUND.equals(sql.getSQLState())) {
        return "there is no ledger at " + databaseName(url);
      }
    }
    Throwable deepest = chain.get(chain.size() - 1);
    return "cannot open the ledger at " + databaseName(url) + ": " + failure.getMessage()
        + (deepest == failure ? "" : " (" + deepest.getMessage() + ")");
  }

  /**
   * Shuts an embedded Derby database down so its files are consistent and the next start needs
   * no recovery; drops it when it lives in memory. Other URLs need nothing.
   *
   * <p>Only this one database is shut down (SQLState 08006), never the whole Derby system
   * ({@code jdbc:derby:;shutdown=true}, SQLState XJ015): other ledgers may be open in the same
   * JVM (tests, the CLI), and a system shutdown would also deregister the driver under them.
   */
  static void shutdown(String url) {
    if (!isEmbeddedDerby(url)) {
      return;
    }
    boolean inMemory = url.startsWith("jdbc:derby:memory:");
    String command = databaseUrl(url) + (inMemory ? ";drop=true" : ";shutdown=true");
    try {
      DriverManager.getConnection(command).close();
      LOG.warn("Derby did not confirm the {} of {}", inMemory ? "drop" : "shutdown",
          databaseName(url));
    } catch (SQLException e) {
      if (DATABASE_SHUT_DOWN.equals(e.getSQLState())) {
        LOG.info("ledger {} {}", databaseName(url), inMemory ? "dropped" : "shut down cleanly");
      } else {
        LOG.error("ledger {} did not shut down cleanly: {} (SQLState {})", databaseName(url),
            e.getMessage(), e.getSQLState());
      }
    }
  }

  /** The URL without its attributes ({@code ;create=true} and the like). */
  private static String databaseUrl(String url) {
    int attributes = url.indexOf(';');
    return attributes < 0 ? url : url.substring(0, attributes);
  }

  /**
   * The database a URL names, for messages: without its attributes, which may carry a user and
   * password ({@code ;password=} on Derby, {@code ?password=} on PostgreSQL).
   */
  static String databaseName(String url) {
    String database = databaseUrl(url);
    int query = database.indexOf('?');
    if (query >= 0) {
      database = database.substring(0, query);
    }
    return database.replaceFirst("^jdbc:derby:", "");
  }
}
