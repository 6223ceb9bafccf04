package io.micropay.server.ledger;

import java.sql.SQLException;
import java.util.Properties;
import java.util.Set;

/**
 * What differs between the two databases the ledger runs on: how a URL is named in messages,
 * what to do before the first connection and after the last, which failures mean that the
 * database is gone or unusable, and the schema steps whose SQL differs. Everything else, the
 * SQL of money included, is the same on both.
 */
public enum Dialect {
  /** Apache Derby embedded in the server's JVM: the zero-set-up default. */
  DERBY {
    @Override
    void beforeOpen(String url) {
      if (DerbyLifecycle.isEmbeddedDerby(url)) {
        DerbyLifecycle.configureForThroughput();
      }
    }

    @Override
    String explainOpenFailure(String url, SQLException failure) {
      return DerbyLifecycle.explainOpenFailure(url, failure);
    }

    @Override
    void afterClose(String url) {
      DerbyLifecycle.shutdown(url);
    }

    @Override
    public String describe(String url) {
      return DerbyLifecycle.databaseName(url);
    }

    @Override
    boolean isUnusable(SQLException failure) {
      return DerbyLifecycle.isUnusable(failure);
    }

    /**
     * Embedded Derby makes a connection in memory, but the first one boots the database, which
     * creates it or replays its log after a crash: seconds on a busy machine. The pool applies
     * this timeout to that boot too (as the driver's login timeout).
     */
    @Override
    long connectionTimeoutMillis() {
      return 120_000;
    }
  },

  /** A PostgreSQL server, which several payment servers may share. */
  POSTGRESQL {
    @Override
    String explainOpenFailure(String url, SQLException failure) {
      return "cannot reach the PostgreSQL ledger at " + hostAndPort(url) + ": "
          + rootMessage(failure);
    }

    @Override
    public String describe(String url) {
      Properties parsed = parse(url);
      return "postgresql://" + hostAndPort(url) + "/"
          + (parsed == null ? "?" : parsed.getProperty("PGDBNAME", ""));
    }

    @Override
    boolean isUnusable(SQLException failure) {
      // Class 08 (connection exception) and 57P (the server shutting down or starting up).
      for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
        if (cause instanceof SQLException sql && sql.getSQLState() != null
            && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
          return true;
        }
      }
      return false;
    }
  };

  /** The schemes this ledger knows, for the message that refuses any other. */
  private static final Set<String> KNOWN = Set.of("jdbc:derby:", "jdbc:postgresql:");

  /**
   * The dialect of {@code url}.
   *
   * @throws LedgerException when the URL names another database
   */
  public static Dialect of(String url) {
    if (url.startsWith("jdbc:derby:")) {
      return DERBY;
    }
    if (url.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    int scheme = url.indexOf(':', "jdbc:".length());
    throw new LedgerException("the ledger runs on Derby or PostgreSQL (" + String.join(" or ",
        new java.util.TreeSet<>(KNOWN)) + "), not on "
        + (scheme > 0 ? url.substring(0, scheme + 1) : "'" + url + "'"));
  }

  /** Settings that must be made before the first connection. */
  void beforeOpen(String url) {
  }

  /** What went wrong opening {@code url}, in one line an operator can act on. */
  abstract String explainOpenFailure(String url, SQLException failure);

  /** Work after the last connection is closed. */
  void afterClose(String url) {
  }

  /**
   * How long a caller waits for a connection. The server sizes the pool above its worker
   * count, so a wait means the database is slow to accept connections or gone; a request then
   * gets a clear failure within this time instead of hanging.
   */
  long connectionTimeoutMillis() {
    return 5_000;
  }

  /** The database {@code url} names, for messages: never its user or password. */
  public abstract String describe(String url);

  /**
   * Whether {@code failure} says that the database cannot be used through the connections we
   * hold (gone, shut down, turned read-only), as opposed to a failure of one statement.
   */
  abstract boolean isUnusable(SQLException failure);

  /** host:port of a PostgreSQL URL, with the driver's defaults filled in. */
  static String hostAndPort(String url) {
    Properties parsed = parse(url);
    if (parsed == null) {
      return "?";
    }
    return parsed.getProperty("PGHOST", "localhost") + ":" + parsed.getProperty("PGPORT", "5432");
  }

  private static Properties parse(String url) {
    return org.postgresql.Driver.parseURL(url, null);
  }

  /** The innermost message of a failure: the driver's own reason, without wrappers. */
  static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String outer = failure.getMessage();
    String inner = root.getMessage();
    if (root == failure || inner == null) {
      return outer;
    }
    return outer == null || outer.contains(inner) ? inner : outer + " (" + inner + ")";
  }
}
