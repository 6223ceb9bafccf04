package io.micropay.server.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
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
  private static final String INSERT_JOURNAL_INTO =
      "INSERT INTO journal (kind, debit_account, credit_account, amount, transfer_id,"
          + " recorded_at, memo, debit_balance_after, credit_balance_after)";
  /** Journal rows written by one INSERT statement in a batch, at most; a power of two. */
  static final int ROWS_PER_INSERT = 64;
  private static final String READ_BALANCES = "SELECT name, balance FROM accounts WHERE name IN ";
  /** Account names one balance query asks for, at most; a power of two. */
  static final int NAMES_PER_QUERY = 128;
  private static final String SET_BALANCE =
      "UPDATE accounts SET balance = ? WHERE name = ? AND balance = ?";
  private static final String FIND_TRANSFER =
      "SELECT credit_account, amount FROM journal WHERE debit_account = ? AND transfer_id = ?";

  /**
   * A journal row to append in a batch, with the balances its transaction leaves the two
   * accounts at right after it (the debit one null when there is no payer).
   */
  record JournalRow(JournalEntry.Kind kind, String debitAccount, String creditAccount,
      long amountUnits, String transferId, String memo, Long debitBalanceAfterUnits,
      long creditBalanceAfterUnits) {
    /** A grant or deposit, which has no payer. */
    static JournalRow credit(JournalEntry.Kind kind, String account, long amountUnits,
        long balanceAfterUnits) {
      return new JournalRow(kind, null, account, amountUnits, null, null, null,
          balanceAfterUnits);
    }

    /** A settled transfer, the balances of {@code balances} being those after it. */
    static JournalRow transfer(TransferCommand command, java.util.Map<String, Long> balances) {
      return new JournalRow(JournalEntry.Kind.TRANSFER, command.payer(), command.payee(),
          command.amountUnits(), command.transferId(), command.memo(),
          balances.get(command.payer()), balances.get(command.payee()));
    }
  }

  /** A transfer id found in the journal: where that transfer went, and how much. */
  record RecordedTransfer(String payee, long amountUnits) {
    /**
     * What a new report of the same payer and id is: the same transfer sent again (same payee
     * and amount), or another transfer reusing the id.
     */
    TransferOutcome.Status reportedAgainAs(TransferCommand command) {
      return payee.equals(command.payee()) && amountUnits == command.amountUnits()
          ? TransferOutcome.Status.ALREADY_SETTLED : TransferOutcome.Status.DUPLICATE_ID;
    }
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
   * Sets balances from the value this transaction decided on to the new one, in name order, in
   * one JDBC batch: {@code UPDATE ... SET balance = after WHERE name = ? AND balance = before}.
   * Each update takes the row's lock until commit, so once all succeed nobody can change those
   * balances before this transaction ends; one that finds another balance than expected (someone
   * committed a change since it was read) makes the whole call return false, and the caller must
   * roll back.
   *
   * @param changes account name to {before, after}
   * @return whether every balance was still what the caller read
   */
  boolean compareAndSetBalances(Map<String, long[]> changes) throws SQLException {
    if (changes.isEmpty()) {
      return true;
    }
    PreparedStatement update = statement(SET_BALANCE);
    for (String name : new TreeSet<>(changes.keySet())) {
      long[] change = changes.get(name);
      update.setLong(1, change[1]);
      update.setString(2, name);
      update.setLong(3, change[0]);
      update.addBatch();
    }
    for (int count : update.executeBatch()) {
      // A driver may report success without a count; any real count but 1 is a stale read.
      if (count != Statement.SUCCESS_NO_INFO && count != 1) {
        return false;
      }
    }
    return true;
  }

  /**
   * The committed balances of the named accounts that exist, read without locks, at most
   * {@value #NAMES_PER_QUERY} names a query. Writers that use them must write with
   * {@link #compareAndSetBalances}.
   *
   * <p>Each query asks for a power of two of names, the last name repeated to fill it (a name
   * asked twice is still one row), so that every query is one of 8 texts; see
   * {@link #powerOfTwoAtMost} for why.
   */
  Map<String, Long> readBalances(Collection<String> names) throws SQLException {
    Map<String, Long> balances = new HashMap<>();
    List<String> all = new ArrayList<>(names);
    for (int from = 0; from < all.size(); from += NAMES_PER_QUERY) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + NAMES_PER_QUERY));
      int asked = powerOfTwoAtLeast(chunk.size());
      PreparedStatement read = statement(READ_BALANCES + "(" + "?, ".repeat(asked - 1) + "?)");
      for (int i = 0; i < asked; i++) {
        read.setString(i + 1, chunk.get(Math.min(i, chunk.size() - 1)));
      }
      try (ResultSet rows = read.executeQuery()) {
        while (rows.next()) {
          balances.put(rows.getString(1), rows.getLong(2));
        }
      }
    }
    return balances;
  }

  /**
   * Appends journal rows, as few multi-row INSERTs as {@link #powerOfTwoAtMost} allows. A
   * transfer whose (payer, id) is already in the journal makes it fail with SQLState
   * {@link #UNIQUE_VIOLATION}; the caller then rolls back.
   */
  void journal(List<JournalRow> rows) throws SQLException {
    Timestamp now = now();
    int from = 0;
    while (from < rows.size()) {
      int size = powerOfTwoAtMost(Math.min(rows.size() - from, ROWS_PER_INSERT));
      List<JournalRow> chunk = rows.subList(from, from + size);
      from += size;
      PreparedStatement insert = statement(multiRowInsert(chunk.size()));
      int parameter = 1;
      for (JournalRow row : chunk) {
        insert.setString(parameter++, row.kind().name());
        insert.setString(parameter++, row.debitAccount());
        insert.setString(parameter++, row.creditAccount());
        insert.setLong(parameter++, row.amountUnits());
        insert.setString(parameter++, row.transferId());
        insert.setTimestamp(parameter++, now);
        insert.setString(parameter++, row.memo());
        if (row.debitBalanceAfterUnits() == null) {
          insert.setNull(parameter++, java.sql.Types.BIGINT);
        } else {
          insert.setLong(parameter++, row.debitBalanceAfterUnits());
        }
        insert.setLong(parameter++, row.creditBalanceAfterUnits());
      }
      insert.executeUpdate();
    }
  }

  /**
   * The largest power of two not above {@code count} (at least 1). Every statement text is a
   * statement Derby compiles into a class of its own, which the JIT then compiles again. Written
   * as one INSERT and read with one IN list each, batches of 1 to 100 made up to 100 INSERT texts
   * and 100 query texts besides the fixed statements: more than Derby's statement cache holds
   * (100), so statements were compiled again and again while the server ran, and each new class
   * ran slowly until the JIT caught up with it. Sizes that are powers of two keep the texts to 7
   * INSERTs and 8 queries, compiled once and hot: a batch of 37 rows is written as 32 + 4 + 1.
   */
  static int powerOfTwoAtMost(int count) {
    return Integer.highestOneBit(Math.max(1, count));
  }

  /** The smallest power of two not below {@code count} (at least 1). */
  static int powerOfTwoAtLeast(int count) {
    int atMost = powerOfTwoAtMost(count);
    return atMost >= count ? atMost : atMost << 1;
  }

  /**
   * One INSERT with {@code rows} rows of values. A statement per row costs the database its
   * per-statement work (plan activation, constraint set-up) for every row; one statement for
   * {@value #ROWS_PER_INSERT} rows pays it once. Standard SQL, on Derby and PostgreSQL alike.
   */
  private static String multiRowInsert(int rows) {
    StringBuilder sql = new StringBuilder(INSERT_JOURNAL_INTO);
    for (int i = 0; i < rows; i++) {
      sql.append(i == 0 ? " VALUES " : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }
    return sql.toString();
  }

  /** Whether {@code failure}, or an exception chained to it, is a unique-key violation. */
  static boolean isUniqueViolation(SQLException failure) {
    for (SQLException e = failure; e != null; e = e.getNextException()) {
      if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
        return true;
      }
      if (e.getCause() instanceof SQLException cause
          && UNIQUE_VIOLATION.equals(cause.getSQLState())) {
        return true;
      }
    }
    return false;
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
  void journal(JournalRow row) throws SQLException {
    journal(List.of(row));
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
