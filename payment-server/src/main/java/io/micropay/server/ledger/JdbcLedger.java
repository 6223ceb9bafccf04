package io.micropay.server.ledger;

import io.micropay.server.ledger.TransferOutcome.Status;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger on plain JDBC with portable SQL: Apache Derby embedded by default, PostgreSQL when
 * one machine is not enough. Autocommit off, READ COMMITTED, row locks taken by UPDATE.
 *
 * <p>How it keeps its promises:
 * <ul>
 *   <li><b>No overdraft</b>: the debit is {@code UPDATE ... WHERE balance >= amount}, so two
 *       racing transfers cannot both pass the check; a CHECK constraint is the last line.</li>
 *   <li><b>No deadlock</b>: the two account rows of a transfer are updated in name order, so
 *       opposite transfers between the same accounts queue instead of waiting on each other.</li>
 *   <li><b>Exactly once</b>: a unique constraint on (payer, transfer id) in the journal; a
 *       report that loses the race for it rolls back and finds the winner's row.</li>
 *   <li><b>Durable</b>: methods return after commit (Derby's log is forced at commit).</li>
 * </ul>
 */
public final class JdbcLedger implements Ledger {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcLedger.class);
  private static final String UNIQUE_VIOLATION = "23505";

  private final String url;
  private final ConnectionPool pool;

  private JdbcLedger(String url, ConnectionPool pool) {
    this.url = url;
    this.pool = pool;
  }

  /** Opens the ledger at {@code url} with {@code poolSize} connections, migrating the schema. */
  public static JdbcLedger open(String url, int poolSize) {
    ConnectionPool pool;
    try {
      pool = new ConnectionPool(url, poolSize);
    } catch (SQLException e) {
      throw new LedgerException(DerbyLifecycle.explainOpenFailure(url, e), e);
    }
    JdbcLedger ledger = new JdbcLedger(url, pool);
    Connection connection = pool.borrow();
    try {
      SchemaMigrations.migrate(connection);
    } catch (SQLException | RuntimeException e) {
      pool.release(connection);
      ledger.close();
      throw e instanceof LedgerException ledgerException ? ledgerException
          : new LedgerException("cannot prepare the ledger schema: " + e.getMessage(), e);
    }
    pool.release(connection);
    return ledger;
  }

  @Override
  public OpenAccountResult openAccount(String name, long openingGrantUnits,
      long openingDepositUnits) {
    if (openingGrantUnits < 0 || openingDepositUnits < 0) {
      throw new IllegalArgumentException("opening amounts must not be negative");
    }
    if (openingGrantUnits + openingDepositUnits > MAX_BALANCE_UNITS) {
      return OpenAccountResult.LIMIT_EXCEEDED;
    }
    return inTransaction(connection -> {
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO accounts (name, balance, opened_at) VALUES (?, ?, ?)")) {
        insert.setString(1, name);
        insert.setLong(2, openingGrantUnits + openingDepositUnits);
        insert.setTimestamp(3, now());
        insert.executeUpdate();
      } catch (SQLException e) {
        if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
          connection.rollback();
          return OpenAccountResult.ALREADY_EXISTS;
        }
        throw e;
      }
      if (openingGrantUnits > 0) {
        journal(connection, JournalEntry.Kind.GRANT, null, name, openingGrantUnits, null);
      }
      if (openingDepositUnits > 0) {
        journal(connection, JournalEntry.Kind.DEPOSIT, null, name, openingDepositUnits, null);
      }
      connection.commit();
      return OpenAccountResult.OPENED;
    });
  }

  @Override
  public DepositResult deposit(String name, long amountUnits) {
    if (amountUnits <= 0) {
      throw new IllegalArgumentException("deposit must be positive, was " + amountUnits);
    }
    return inTransaction(connection -> {
      if (!exists(connection, name)) {
        return DepositResult.UNKNOWN_ACCOUNT;
      }
      if (!credit(connection, name, amountUnits)) {
        connection.rollback();
        return DepositResult.LIMIT_EXCEEDED;
      }
      journal(connection, JournalEntry.Kind.DEPOSIT, null, name, amountUnits, null);
      connection.commit();
      return DepositResult.OK;
    });
  }

  @Override
  public TransferOutcome transfer(TransferCommand command) {
    return transferBatch(List.of(command)).get(0);
  }

  @Override
  public List<TransferOutcome> transferBatch(List<TransferCommand> commands) {
    if (commands.isEmpty()) {
      return List.of();
    }
    for (int attempt = 1; ; attempt++) {
      try {
        return inTransaction(connection -> settleAll(connection, commands));
      } catch (DuplicateRace race) {
        // Another connection committed one of these ids meanwhile: run the batch again; the
        // id check now finds the committed row. Bounded: each retry means another commit won.
        if (attempt >= commands.size() + 1) {
          throw new LedgerException("transfer ids kept colliding after " + attempt
              + " attempts", race);
        }
      }
    }
  }

  private List<TransferOutcome> settleAll(Connection connection, List<TransferCommand> commands)
      throws SQLException {
    List<TransferOutcome> outcomes = new ArrayList<>(commands.size());
    for (TransferCommand command : commands) {
      // Each transfer gets a savepoint: one that fails is undone alone, its batch-mates stay.
      Savepoint savepoint = connection.setSavepoint();
      TransferOutcome outcome = settle(connection, command);
      if (outcome.status() == Status.SETTLED) {
        connection.releaseSavepoint(savepoint);
      } else {
        connection.rollback(savepoint);
      }
      outcomes.add(outcome);
    }
    connection.commit();
    return outcomes;
  }

  /**
   * Checks and applies one transfer inside the caller's transaction; never commits. When the
   * outcome is not SETTLED the caller must roll back to its savepoint.
   */
  private TransferOutcome settle(Connection connection, TransferCommand command)
      throws SQLException {
    if (command.payer().equals(command.payee())) {
      return TransferOutcome.of(Status.SELF_PAYMENT);
    }
    if (!exists(connection, command.payer())) {
      return TransferOutcome.of(Status.UNKNOWN_PAYER);
    }
    if (!exists(connection, command.payee())) {
      return TransferOutcome.of(Status.UNKNOWN_PAYEE);
    }
    if (command.transferId() != null) {
      TransferOutcome earlier = earlierSettlement(connection, command);
      if (earlier != null) {
        return earlier;
      }
    }
    Status moved = move(connection, command);
    if (moved != Status.SETTLED) {
      // The caller rolls back to its savepoint, undoing a credit made before a failed debit.
      return TransferOutcome.of(moved, balanceOf(connection, command.payer()));
    }
    try {
      journal(connection, JournalEntry.Kind.TRANSFER, command.payer(), command.payee(),
          command.amountUnits(), command.transferId());
    } catch (SQLException e) {
      if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw new DuplicateRace(e);
      }
      throw e;
    }
    return TransferOutcome.of(Status.SETTLED, balanceOf(connection, command.payer()));
  }

  /**
   * Debits the payer and credits the payee, touching the two rows in name order so that
   * concurrent opposite transfers cannot deadlock. Reports insufficient funds before the limit,
   * as the protocol orders its reasons.
   */
  private Status move(Connection connection, TransferCommand command) throws SQLException {
    long amount = command.amountUnits();
    if (command.payer().compareTo(command.payee()) < 0) {
      if (!debit(connection, command.payer(), amount)) {
        return Status.INSUFFICIENT_FUNDS;
      }
      return credit(connection, command.payee(), amount) ? Status.SETTLED
          : Status.LIMIT_EXCEEDED;
    }
    if (!credit(connection, command.payee(), amount)) {
      return balanceOf(connection, command.payer()) < amount ? Status.INSUFFICIENT_FUNDS
          : Status.LIMIT_EXCEEDED;
    }
    return debit(connection, command.payer(), amount) ? Status.SETTLED
        : Status.INSUFFICIENT_FUNDS;
  }

  private TransferOutcome earlierSettlement(Connection connection, TransferCommand command)
      throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT credit_account, amount FROM journal WHERE debit_account = ?"
            + " AND transfer_id = ?")) {
      query.setString(1, command.payer());
      query.setString(2, command.transferId());
      try (ResultSet rows = query.executeQuery()) {
        if (!rows.next()) {
          return null;
        }
        boolean same = rows.getString(1).equals(command.payee())
            && rows.getLong(2) == command.amountUnits();
        return TransferOutcome.of(same ? Status.ALREADY_SETTLED : Status.DUPLICATE_ID,
            balanceOf(connection, command.payer()));
      }
    }
  }

  private static boolean debit(Connection connection, String name, long amount)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE accounts SET balance = balance - ? WHERE name = ? AND balance >= ?")) {
      update.setLong(1, amount);
      update.setString(2, name);
      update.setLong(3, amount);
      return update.executeUpdate() == 1;
    }
  }

  private static boolean credit(Connection connection, String name, long amount)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE accounts SET balance = balance + ? WHERE name = ? AND balance <= ?")) {
      update.setLong(1, amount);
      update.setString(2, name);
      update.setLong(3, MAX_BALANCE_UNITS - amount);
      return update.executeUpdate() == 1;
    }
  }

  private static void journal(Connection connection, JournalEntry.Kind kind, String debit,
      String credit, long amount, String transferId) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO journal (kind, debit_account, credit_account, amount, transfer_id,"
            + " recorded_at) VALUES (?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, kind.name());
      insert.setString(2, debit);
      insert.setString(3, credit);
      insert.setLong(4, amount);
      insert.setString(5, transferId);
      insert.setTimestamp(6, now());
      insert.executeUpdate();
    }
  }

  private static boolean exists(Connection connection, String name) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT 1 FROM accounts WHERE name = ?")) {
      query.setString(1, name);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next();
      }
    }
  }

  private static long balanceOf(Connection connection, String name) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT balance FROM accounts WHERE name = ?")) {
      query.setString(1, name);
      try (ResultSet rows = query.executeQuery()) {
        if (!rows.next()) {
          throw new IllegalStateException("account " + name + " vanished inside a transaction");
        }
        return rows.getLong(1);
      }
    }
  }

  @Override
  public OptionalLong balance(String name) {
    return inTransaction(connection -> {
      try (PreparedStatement query = connection.prepareStatement(
          "SELECT balance FROM accounts WHERE name = ?")) {
        query.setString(1, name);
        try (ResultSet rows = query.executeQuery()) {
          OptionalLong balance = rows.next() ? OptionalLong.of(rows.getLong(1))
              : OptionalLong.empty();
          connection.commit();
          return balance;
        }
      }
    });
  }

  @Override
  public List<AccountBalance> accounts() {
    return inTransaction(connection -> {
      List<AccountBalance> accounts = new ArrayList<>();
      try (PreparedStatement query = connection.prepareStatement(
          "SELECT name, balance FROM accounts ORDER BY name");
          ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          accounts.add(new AccountBalance(rows.getString(1), rows.getLong(2)));
        }
      }
      connection.commit();
      return accounts;
    });
  }

  @Override
  public List<JournalEntry> journal(String account, int maxEntries) {
    return inTransaction(connection -> {
      List<JournalEntry> entries = new ArrayList<>();
      try (PreparedStatement query = connection.prepareStatement(
          "SELECT entry_id, kind, debit_account, credit_account, amount, transfer_id,"
              + " recorded_at FROM journal WHERE debit_account = ? OR credit_account = ?"
              + " ORDER BY entry_id DESC")) {
        query.setString(1, account);
        query.setString(2, account);
        query.setMaxRows(maxEntries);
        try (ResultSet rows = query.executeQuery()) {
          while (rows.next()) {
            entries.add(new JournalEntry(rows.getLong(1),
                JournalEntry.Kind.valueOf(rows.getString(2)), rows.getString(3),
                rows.getString(4), rows.getLong(5), rows.getString(6),
                rows.getTimestamp(7).toInstant()));
          }
        }
      }
      connection.commit();
      return entries;
    });
  }

  @Override
  public AuditReport audit() {
    return inTransaction(LedgerAudit::run);
  }

  @Override
  public void close() {
    pool.close();
    DerbyLifecycle.shutdown(url);
  }

  /** A unit of work on one connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private <T> T inTransaction(Work<T> work) {
    Connection connection = pool.borrow();
    try {
      return work.run(connection);
    } catch (SQLException e) {
      LOG.error("ledger operation failed: {} (SQLState {})", e.getMessage(), e.getSQLState());
      throw new LedgerException("ledger operation failed: " + e.getMessage(), e);
    } finally {
      pool.release(connection);
    }
  }

  private static Timestamp now() {
    return Timestamp.from(Instant.now());
  }

  /** Two reports of one id raced; the loser's batch is rolled back and run again. */
  private static final class DuplicateRace extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DuplicateRace(SQLException cause) {
      super(cause.getMessage(), cause);
    }
  }
}
