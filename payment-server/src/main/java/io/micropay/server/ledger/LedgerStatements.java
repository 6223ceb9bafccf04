package io.micropay.server.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL that changes money, for one transaction on one connection. Each statement is prepared
 * the first time it is needed and reused until {@link #close}, so a batch of a hundred transfers
 * prepares it once, not a hundred times. Never commits: the caller owns the transaction.
 *
 * <p>Every write checks its own precondition in its WHERE clause and insists on touching exactly
 * one row; the caller decided beforehand that it would, so a miss is a broken invariant, not an
 * operating error.
 */
final class LedgerStatements implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerStatements.class);
  /** Derby and PostgreSQL both report a unique or primary key violation with this SQLState. */
  static final String UNIQUE_VIOLATION = "23505";

  private static final String LOCK_ACCOUNT =
      "UPDATE accounts SET balance = balance WHERE name = ?";
  private static final String READ_BALANCE = "SELECT balance FROM accounts WHERE name = ?";
  private static final String DEBIT =
      "UPDATE accounts SET balance = balance - ? WHERE name = ? AND balance >= ?";
  private static final String CREDIT =
      "UPDATE accounts SET balance = balance + ? WHERE name = ? AND balance <= ?";
  private static final String INSERT_ACCOUNT =
      "INSERT INTO accounts (name, balance, opened_at) VALUES (?, ?, ?)";
  private static final String INSERT_JOURNAL =
      "INSERT INTO journal (kind, debit_account, credit_account, amount, transfer_id,"
          + " recorded_at) VALUES (?, ?, ?, ?, ?, ?)";
  private static final String FIND_TRANSFER =
      "SELECT credit_account, amount FROM journal WHERE debit_account = ? AND transfer_id = ?";

  /** A transfer id found in the journal: where that transfer went, and how much. */
  record RecordedTransfer(String payee, long amountUnits) {
  }

  private final Connection connection;
  private final Map<String, PreparedStatement> prepared = new HashMap<>();

  LedgerStatements(Connection connection) {
    this.connection = connection;
  }

  /**
   * Takes the row lock of every named account that exists, in name order, and reads the balances
   * under those locks. Every writer locks its accounts this way before it writes anything, so
   * two transactions never wait for each other in a cycle (no deadlock), and the balances
   * returned stay true until this transaction ends.
   *
   * <p>The lock is a no-op UPDATE rather than {@code SELECT ... FOR UPDATE} because Derby at
   * READ COMMITTED releases a FOR UPDATE cursor's lock on a row it did not change when the cursor
   * moves on; an UPDATE's lock is held to the end of the transaction on every database.
   *
   * @return the balance of each named account that exists; absent names are unknown accounts
   */
  Map<String, Long> lockInNameOrder(Collection<String> names) throws SQLException {
    Map<String, Long> balances = new HashMap<>();
    for (String name : new TreeSet<>(names)) {
      PreparedStatement lock = statement(LOCK_ACCOUNT);
      lock.setString(1, name);
      if (lock.executeUpdate() == 1) {
        balances.put(name, balance(name));
      }
    }
    return balances;
  }

  /** The balance of {@code name}, which must exist. */
  long balance(String name) throws SQLException {
    PreparedStatement read = statement(READ_BALANCE);
    read.setString(1, name);
    try (ResultSet rows = read.executeQuery()) {
      if (!rows.next()) {
        throw new IllegalStateException("account " + name + " vanished inside a transaction");
      }
      return rows.getLong(1);
    }
  }

  /**
   * Takes {@code amountUnits} from {@code name}, whose balance the caller read as
   * {@code balanceBefore} under its lock. The WHERE clause refuses to go below 0 even if that
   * reading were wrong; the CHECK constraint on the table is the last line.
   */
  void debit(String name, long amountUnits, long balanceBefore) throws SQLException {
    PreparedStatement debit = statement(DEBIT);
    debit.setLong(1, amountUnits);
    debit.setString(2, name);
    debit.setLong(3, amountUnits);
    requireOneRow(debit.executeUpdate(), "debit " + amountUnits + " from " + name);
    requireBalance(name, balanceBefore - amountUnits);
  }

  /** Adds {@code amountUnits} to {@code name}; refuses to pass the maximum balance. */
  void credit(String name, long amountUnits, long balanceBefore) throws SQLException {
    PreparedStatement credit = statement(CREDIT);
    credit.setLong(1, amountUnits);
    credit.setString(2, name);
    credit.setLong(3, Ledger.MAX_BALANCE_UNITS - amountUnits);
    requireOneRow(credit.executeUpdate(), "credit " + amountUnits + " to " + name);
    requireBalance(name, balanceBefore + amountUnits);
  }

  /**
   * Adds a new account with its opening balance.
   *
   * @return false when the name is taken; the transaction must then be rolled back (PostgreSQL
   *     refuses further statements in it)
   */
  boolean insertAccount(String name, long balanceUnits) throws SQLException {
    PreparedStatement insert = statement(INSERT_ACCOUNT);
    insert.setString(1, name);
    insert.setLong(2, balanceUnits);
    insert.setTimestamp(3, now());
    try {
      insert.executeUpdate();
      return true;
    } catch (SQLException e) {
      if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Appends one journal row. A transfer whose (payer, id) is already in the journal fails with
   * SQLState {@link #UNIQUE_VIOLATION}: the database's own guarantee of exactly once.
   */
  void journal(JournalEntry.Kind kind, String debitAccount, String creditAccount,
      long amountUnits, String transferId) throws SQLException {
    PreparedStatement insert = statement(INSERT_JOURNAL);
    insert.setString(1, kind.name());
    insert.setString(2, debitAccount);
    insert.setString(3, creditAccount);
    insert.setLong(4, amountUnits);
    insert.setString(5, transferId);
    insert.setTimestamp(6, now());
    insert.executeUpdate();
  }

  /** The transfer {@code payer} made earlier with {@code transferId}, if any. */
  Optional<RecordedTransfer> findTransfer(String payer, String transferId) throws SQLException {
    PreparedStatement find = statement(FIND_TRANSFER);
    find.setString(1, payer);
    find.setString(2, transferId);
    try (ResultSet rows = find.executeQuery()) {
      if (!rows.next()) {
        return Optional.empty();
      }
      return Optional.of(new RecordedTransfer(rows.getString(1), rows.getLong(2)));
    }
  }

  private void requireBalance(String name, long expectedUnits) throws SQLException {
    long actual = balance(name);
    if (actual != expectedUnits) {
      throw new IllegalStateException("account " + name + " reads " + actual
          + " right after a write that should have left " + expectedUnits);
    }
  }

  private static void requireOneRow(int rows, String what) {
    if (rows != 1) {
      throw new IllegalStateException("could not " + what + " although its account was locked"
          + " and checked (" + rows + " rows changed)");
    }
  }

  private PreparedStatement statement(String sql) throws SQLException {
    PreparedStatement statement = prepared.get(sql);
    if (statement == null) {
      statement = connection.prepareStatement(sql);
      prepared.put(sql, statement);
    }
    return statement;
  }

  private static Timestamp now() {
    return Timestamp.from(Instant.now());
  }

  /**
   * Closes the statements. A failure here is logged, not thrown: it may come after the commit,
   * and must not turn a settled transfer into a reported failure.
   */
  @Override
  public void close() {
    for (PreparedStatement statement : prepared.values()) {
      try {
        statement.close();
      } catch (SQLException e) {
        LOG.warn("could not close a ledger statement: {} (SQLState {})", e.getMessage(),
            e.getSQLState(), e);
      }
    }
    prepared.clear();
  }
}
