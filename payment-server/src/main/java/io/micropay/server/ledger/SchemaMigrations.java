package io.micropay.server.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's schema as an ordered list of numbered steps, with the version in a one-row table.
 * Each step and its version bump commit in one transaction (DDL is transactional on Derby and
 * PostgreSQL), so a crash leaves the schema at a step boundary. Running them again is a no-op; a
 * database newer than this code is refused. The SQL is portable where it can be
 * (standard types and {@code GENERATED ALWAYS AS IDENTITY}); a step whose SQL differs between
 * Derby and PostgreSQL has one version for each dialect.
 *
 * <p>A step, once released, is never edited: a database that already ran it would not run it
 * again. A change is a new step at the end.
 */
final class SchemaMigrations {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrations.class);

  /** One step: statements run in the step's transaction, on the database of a dialect. */
  @FunctionalInterface
  interface Step {
    void apply(Connection connection, Dialect dialect) throws SQLException;
  }

  /** Step {@code i} (1-based) brings the schema from version i-1 to i. */
  static final List<Step> STEPS = List.of(
      sql(
          "CREATE TABLE accounts ("
              + " name VARCHAR(32) NOT NULL PRIMARY KEY,"
              + " balance BIGINT NOT NULL,"
              + " opened_at TIMESTAMP NOT NULL,"
              + " CONSTRAINT balance_in_range CHECK (balance >= 0"
              + " AND balance <= 1000000000000000))",
          "CREATE TABLE journal ("
              + " entry_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
              + " kind VARCHAR(8) NOT NULL,"
              + " debit_account VARCHAR(32) REFERENCES accounts (name),"
              + " credit_account VARCHAR(32) NOT NULL REFERENCES accounts (name),"
              + " amount BIGINT NOT NULL,"
              + " transfer_id VARCHAR(64),"
              + " recorded_at TIMESTAMP NOT NULL,"
              + " CONSTRAINT journal_kind CHECK (kind IN ('GRANT', 'DEPOSIT', 'TRANSFER')),"
              + " CONSTRAINT journal_amount CHECK (amount > 0),"
              + " CONSTRAINT journal_payer CHECK ((kind = 'TRANSFER'"
              + " AND debit_account IS NOT NULL AND debit_account <> credit_account)"
              + " OR (kind <> 'TRANSFER' AND debit_account IS NULL AND transfer_id IS NULL)),"
              + " CONSTRAINT transfer_once UNIQUE (debit_account, transfer_id))",
          "CREATE INDEX journal_credit ON journal (credit_account)"),
      perDialect(SchemaMigrations::leanDerbyJournal, sql(
          // PostgreSQL names unnamed constraints table_column_fkey, and made the index.
          "ALTER TABLE journal DROP CONSTRAINT IF EXISTS journal_debit_account_fkey",
          "ALTER TABLE journal DROP CONSTRAINT IF EXISTS journal_credit_account_fkey",
          "DROP INDEX IF EXISTS journal_credit")));

  /** The schema version this code writes and reads. */
  static final int CURRENT_VERSION = STEPS.size();

  /** "No such table" on Derby and on PostgreSQL: the mark of a database never migrated. */
  private static final Set<String> MISSING_TABLE = Set.of("42X05", "42P01");

  private SchemaMigrations() {
  }

  /**
   * Brings the schema up to date, one committed step at a time.
   *
   * @return the schema version now
   * @throws LedgerException if the database's schema is newer than this code
   */
  static int migrate(Connection connection, Dialect dialect) throws SQLException {
    return migrate(connection, dialect, CURRENT_VERSION);
  }

  /**
   * Brings the schema up to {@code target}, one committed step at a time: the current version,
   * or an older one to make a database as an older server left it (for tests of upgrades).
   */
  static int migrate(Connection connection, Dialect dialect, int target) throws SQLException {
    int current = currentVersion(connection);
    if (current > CURRENT_VERSION) {
      throw new LedgerException("the ledger's schema is version " + current + " but this "
          + "server knows only up to version " + CURRENT_VERSION + "; it was written by a newer "
          + "server: run that one, or restore a backup made for this version");
    }
    for (int version = current + 1; version <= target; version++) {
      STEPS.get(version - 1).apply(connection, dialect);
      try (PreparedStatement bump = connection.prepareStatement(
          "UPDATE schema_version SET version = ? WHERE version = ?")) {
        bump.setInt(1, version);
        bump.setInt(2, version - 1);
        if (bump.executeUpdate() != 1) {
          // Someone else migrated meanwhile; undo this step rather than apply it twice.
          connection.rollback();
          throw new LedgerException("the ledger's schema changed while migrating it to version "
              + version + "; is another server starting on the same database?");
        }
      }
      connection.commit();
      LOG.info("ledger schema migrated to version {}", version);
    }
    return Math.max(current, target);
  }

  /** A step whose SQL differs between Derby and PostgreSQL. */
  private static Step perDialect(Step derby, Step postgresql) {
    return (connection, dialect) -> (dialect == Dialect.DERBY ? derby : postgresql)
        .apply(connection, dialect);
  }

  private static Step sql(String... statements) {
    return (connection, dialect) -> {
      try (Statement statement = connection.createStatement()) {
        for (String sql : statements) {
          statement.execute(sql);
        }
      }
    };
  }

  /**
   * Step 2 on Derby: a lean journal. Every journal insert paid for two foreign-key lookups and
   * a secondary index; measured on Derby (docs/benchmarks.md) they cut inserts from about 48,000
   * to 23,000 rows a second, and journal inserts are the work of settlement. The foreign keys
   * are replaced by what already guarantees them: the ledger writes a journal row only for
   * accounts it read under a lock or compare-and-set in the same transaction, and accounts are
   * never deleted; the audit checks that every row names existing accounts. The index on the
   * payee served only the per-account history, an operator's query, which now scans; Derby never
   * made it (it found the foreign key's own index on the column and only warned).
   *
   * <p>Derby named the foreign keys itself (SQL followed by a timestamp), so their names are
   * asked of the JDBC metadata.
   */
  private static void leanDerbyJournal(Connection connection, Dialect dialect)
      throws SQLException {
    Set<String> foreignKeys = new TreeSet<>();
    try (ResultSet keys = connection.getMetaData().getImportedKeys(null, null, "JOURNAL")) {
      while (keys.next()) {
        foreignKeys.add(keys.getString("FK_NAME"));
      }
    }
    try (Statement statement = connection.createStatement()) {
      for (String name : foreignKeys) {
        statement.execute("ALTER TABLE journal DROP CONSTRAINT \"" + name.replace("\"", "")
            + "\"");
      }
    }
  }

  /** The schema version recorded in the database; creates the version table when missing. */
  static int currentVersion(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT version FROM schema_version")) {
      if (!rows.next()) {
        throw new LedgerException("the ledger's schema_version table is empty; the database "
            + "was changed by hand");
      }
      int version = rows.getInt(1);
      if (rows.next()) {
        throw new LedgerException("the ledger's schema_version table has more than one row; "
            + "the database was changed by hand");
      }
      connection.commit();
      return version;
    } catch (SQLException missing) {
      if (!MISSING_TABLE.contains(missing.getSQLState())) {
        throw missing;
      }
      // PostgreSQL refuses every statement after a failed one until the transaction ends.
      connection.rollback();
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)");
        statement.execute("INSERT INTO schema_version (version) VALUES (0)");
      }
      connection.commit();
      return 0;
    }
  }
}
