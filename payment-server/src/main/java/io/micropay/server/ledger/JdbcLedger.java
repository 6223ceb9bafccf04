package io.micropay.server.ledger;

import io.micropay.server.ledger.LedgerStatements.RecordedTransfer;
import io.micropay.server.ledger.TransferOutcome.Status;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger on plain JDBC with portable SQL: Apache Derby embedded by default, PostgreSQL when
 * one machine is not enough. Autocommit off, READ COMMITTED, row locks taken by UPDATE.
 *
 * <p>How it keeps its promises:
 * <ul>
 *   <li><b>No deadlock</b>: a transaction first locks every account it will touch, in name
 *       order, and only then reads, checks and writes. Opposite transfers between the same two
 *       accounts, and batches that share accounts, queue instead of waiting on each other.</li>
 *   <li><b>No overdraft</b>: every check runs on balances read under those locks, before any
 *       write, so a failing command writes nothing and needs no undo. The debit is still
 *       {@code UPDATE ... WHERE balance >= amount}, and a CHECK constraint is the last line.</li>
 *   <li><b>Exactly once</b>: a unique constraint on (payer, transfer id) in the journal. The
 *       payer's lock makes two reports of one id take turns, so the second finds the first's
 *       row; should a writer that skips the lock win anyway, the loser gets SQLState 23505, rolls
 *       back and runs again, and then finds the winner's row.</li>
 *   <li><b>Durable</b>: methods return after commit (Derby forces its log at commit).</li>
 * </ul>
 */
public final class JdbcLedger implements Ledger {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcLedger.class);
  /**
   * How long a caller waits for a free connection. The server sizes the pool above its worker
   * count, so a wait this long means something is stuck, and failing says so.
   */
  static final long BORROW_TIMEOUT_MILLIS = 30_000;
  /**
   * How often a batch is run again after losing a transfer-id race. One retry always suffices
   * (the winner's row is then committed and found); the bound only stops a broken database
   * from looping us forever.
   */
  private static final int MAX_DUPLICATE_RACE_RETRIES = 3;

  /** Runs of one transaction that the database rolled back (deadlock, lock timeout) at most. */
  private static final int MAX_TRANSIENT_ATTEMPTS = 10;

  /** Balances hinted at most: about 100 bytes each. */
  private static final int MAX_BALANCE_HINTS = 1_000_000;

  private final String url;
  private final ConnectionPool pool;
  /**
   * The balance of each account as this ledger last committed it, a hint for the batch fast path
   * so that it need not read balances it just wrote. Dropped for an account whenever another
   * path changes it; a stale one is caught by compare-and-set.
   */
  private final Map<String, Long> balanceHints = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private JdbcLedger(String url, ConnectionPool pool) {
    this.url = url;
    this.pool = pool;
  }

  /**
   * Opens the ledger at {@code jdbcUrl} with {@code poolSize} connections and brings its schema
   * up to date.
   *
   * @throws LedgerException if the database cannot be opened, is in use by another process, or
   *     has a schema newer than this code
   * @throws IllegalArgumentException if {@code poolSize} is outside 1 to
   *     {@link ConnectionPool#MAX_SIZE}
   */
  public static JdbcLedger open(String jdbcUrl, int poolSize) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (DerbyLifecycle.isEmbeddedDerby(jdbcUrl)) {
      DerbyLifecycle.configureForThroughput();
    }
    ConnectionPool pool;
    try {
      pool = new ConnectionPool(jdbcUrl, poolSize, BORROW_TIMEOUT_MILLIS);
    } catch (SQLException e) {
      throw new LedgerException(DerbyLifecycle.explainOpenFailure(jdbcUrl, e), e);
    }
    JdbcLedger ledger = new JdbcLedger(jdbcUrl, pool);
    try {
      int version = ledger.inTransaction(SchemaMigrations::migrate);
      LOG.info("ledger {} open: schema version {}, {} connections",
          DerbyLifecycle.databaseName(jdbcUrl), version, poolSize);
      return ledger;
    } catch (RuntimeException e) {
      ledger.close();
      throw e;
    }
  }

  @Override
  public OpenAccountResult openAccount(String name, long openingGrantUnits,
      long openingDepositUnits) {
    requireAccountName(name);
    if (openingGrantUnits < 0 || openingDepositUnits < 0) {
      throw new IllegalArgumentException("opening amounts must not be negative, were "
          + openingGrantUnits + " and " + openingDepositUnits);
    }
    // Written as a subtraction so that two huge amounts cannot overflow into a small sum.
    if (openingGrantUnits > MAX_BALANCE_UNITS - openingDepositUnits) {
      return OpenAccountResult.LIMIT_EXCEEDED;
    }
    return inTransaction(connection -> {
      try (LedgerStatements sql = new LedgerStatements(connection)) {
        if (!sql.insertAccount(name, openingGrantUnits + openingDepositUnits)) {
          connection.rollback();
          return OpenAccountResult.ALREADY_EXISTS;
        }
        if (openingGrantUnits > 0) {
          sql.journal(JournalEntry.Kind.GRANT, null, name, openingGrantUnits, null);
        }
        if (openingDepositUnits > 0) {
          sql.journal(JournalEntry.Kind.DEPOSIT, null, name, openingDepositUnits, null);
        }
        connection.commit();
        LOG.debug("account {}: opened with grant {} and deposit {}", name, openingGrantUnits,
            openingDepositUnits);
        return OpenAccountResult.OPENED;
      }
    });
  }

  @Override
  public DepositResult deposit(String name, long amountUnits) {
    if (amountUnits <= 0) {
      throw new IllegalArgumentException("deposit must be positive, was " + amountUnits);
    }
    return inTransaction(connection -> {
      try (LedgerStatements sql = new LedgerStatements(connection)) {
        Long balance = sql.lockInNameOrder(List.of(name)).get(name);
        if (balance == null) {
          return DepositResult.UNKNOWN_ACCOUNT;
        }
        if (balance > MAX_BALANCE_UNITS - amountUnits) {
          return DepositResult.LIMIT_EXCEEDED;
        }
        sql.credit(name, amountUnits, balance);
        sql.journal(JournalEntry.Kind.DEPOSIT, null, name, amountUnits, null);
        connection.commit();
        balanceHints.remove(name);
        LOG.debug("account {}: deposited {}, balance {}", name, amountUnits,
            balance + amountUnits);
        return DepositResult.OK;
      }
    });
  }

  @Override
  public TransferOutcome transfer(TransferCommand command) {
    return transferBatch(List.of(command)).get(0);
  }

  @Override
  public List<TransferOutcome> transferBatch(List<TransferCommand> commands) {
    if (commands.size() > MAX_BATCH_COMMANDS) {
      throw new IllegalArgumentException("a batch holds at most " + MAX_BATCH_COMMANDS
          + " transfers, was " + commands.size());
    }
    List<TransferCommand> batch = List.copyOf(commands);
    if (batch.isEmpty()) {
      return List.of();
    }
    try {
      List<TransferOutcome> outcomes = inTransaction(connection -> settleAllAtOnce(connection,
          batch));
      logOutcomes(batch, outcomes);
      return outcomes;
    } catch (FastPathUndecided retry) {
      LOG.debug("the fast path could not decide a batch of {} ({}); settling it one by one",
          batch.size(), retry.getMessage());
    }
    for (int attempt = 1; ; attempt++) {
      try {
        List<TransferOutcome> outcomes = inTransaction(connection -> settleAll(connection, batch));
        forget(accountsOf(batch));
        logOutcomes(batch, outcomes);
        return outcomes;
      } catch (DuplicateRace race) {
        if (attempt > MAX_DUPLICATE_RACE_RETRIES) {
          throw new LedgerException("transfer " + race.command.transferId() + " from "
              + race.command.payer() + " kept colliding after " + attempt + " attempts", race);
        }
        LOG.warn("transfer {} from {}: another connection recorded this id first; checking"
            + " the batch of {} again", race.command.transferId(), race.command.payer(),
            batch.size());
      }
    }
  }

  /**
   * The fast path of a batch: the same locks and the same checks as {@link #settleAll}, but the
   * transfer ids are not looked up one by one. New ids are the rule; the unique constraint on
   * (payer, id) catches the exception, a report sent again, and then the whole batch is rolled
   * back and settled by {@link #settleAll}, which looks every id up. The writes are one JDBC
   * batch of balance updates (one per account, however many transfers touched it) and the
   * journal rows in a few multi-row INSERTs, one per power of two in the batch's size (at most 7
   * for a batch of 127; see {@link LedgerStatements#powerOfTwoAtMost}).
   */
  private List<TransferOutcome> settleAllAtOnce(Connection connection,
      List<TransferCommand> batch) throws SQLException {
    try (LedgerStatements sql = new LedgerStatements(connection)) {
      Map<String, Long> balances = knownBalances(sql, accountsOf(batch));
      Map<String, Long> before = new HashMap<>(balances);
      // Ids settled earlier in this batch; an id settled in an earlier transaction is left to
      // the unique constraint.
      Map<String, RecordedTransfer> idsInBatch = new HashMap<>();
      EarlierUse inThisBatch = command -> Optional.ofNullable(idsInBatch.get(idKey(command)));
      List<LedgerStatements.JournalRow> rows = new ArrayList<>(batch.size());
      List<TransferOutcome> outcomes = new ArrayList<>(batch.size());
      for (TransferCommand command : batch) {
        TransferOutcome outcome = check(balances, command, inThisBatch);
        if (command.transferId() != null && (outcome.status() == Status.INSUFFICIENT_FUNDS
            || outcome.status() == Status.LIMIT_EXCEEDED)) {
          // The protocol reports a reused id before these; only here must the id be looked up
          // (a new transfer that settles would meet the unique constraint instead).
          outcome = earlierUseOf(sql, command, outcome);
        }
        if (outcome.status() == Status.SETTLED) {
          apply(balances, command);
          if (command.transferId() != null) {
            idsInBatch.put(idKey(command), new RecordedTransfer(command.payee(),
                command.amountUnits()));
          }
          rows.add(new LedgerStatements.JournalRow(JournalEntry.Kind.TRANSFER, command.payer(),
              command.payee(), command.amountUnits(), command.transferId()));
        }
        outcomes.add(outcome);
      }
      Map<String, long[]> changes = new HashMap<>();
      balances.forEach((name, after) -> {
        long was = before.get(name);
        if (was != after) {
          changes.put(name, new long[] {was, after});
        }
      });
      if (!sql.compareAndSetBalances(changes)) {
        forget(changes.keySet());
        throw new FastPathUndecided(null);
      }
      try {
        sql.journal(rows);
      } catch (SQLException e) {
        if (LedgerStatements.isUniqueViolation(e)) {
          throw new FastPathUndecided(e);
        }
        throw e;
      }
      connection.commit();
      changes.forEach((name, change) -> hint(name, change[1]));
      return outcomes;
    }
  }

  private static TransferOutcome earlierUseOf(LedgerStatements sql, TransferCommand command,
      TransferOutcome otherwise) throws SQLException {
    Optional<RecordedTransfer> earlier = sql.findTransfer(command.payer(), command.transferId());
    if (earlier.isEmpty()) {
      return otherwise;
    }
    return new TransferOutcome(earlier.get().reportedAgainAs(command),
        otherwise.payerBalanceUnits());
  }

  /**
   * Balances for the fast path: the hints this ledger kept from its own commits, and a read of
   * the rest. A hint may be stale (another transaction moved money since); the fast path writes
   * with compare-and-set, so a stale hint costs a retry on the careful path, never a wrong
   * balance.
   */
  private Map<String, Long> knownBalances(LedgerStatements sql, Set<String> names)
      throws SQLException {
    Map<String, Long> balances = new HashMap<>();
    List<String> unknown = new ArrayList<>();
    for (String name : names) {
      Long hint = balanceHints.get(name);
      if (hint == null) {
        unknown.add(name);
      } else {
        balances.put(name, hint);
      }
    }
    Map<String, Long> read = sql.readBalances(unknown);
    balances.putAll(read);
    read.forEach(this::hint);
    return balances;
  }

  /** Keeps {@code balance} as the hint for {@code name}, within the bound on hints. */
  private void hint(String name, long balance) {
    if (balanceHints.size() < MAX_BALANCE_HINTS || balanceHints.containsKey(name)) {
      balanceHints.put(name, balance);
    }
  }

  private void forget(Collection<String> names) {
    for (String name : names) {
      balanceHints.remove(name);
    }
  }

  /** Where a transfer's id was used before, as far as one path looks. */
  @FunctionalInterface
  private interface EarlierUse {
    Optional<RecordedTransfer> find(TransferCommand command) throws SQLException;
  }

  /**
   * Every check of one transfer against {@code balances}, in the protocol's order, before
   * anything is written: {@code SETTLED} means it may be written. The careful path looks the id
   * up in the journal; the fast path only in its own batch.
   */
  private static TransferOutcome check(Map<String, Long> balances, TransferCommand command,
      EarlierUse earlierUse) throws SQLException {
    String payer = command.payer();
    String payee = command.payee();
    long amount = command.amountUnits();
    Long payerBalance = balances.get(payer);
    if (payer.equals(payee)) {
      return outcome(Status.SELF_PAYMENT, payerBalance);
    }
    if (payerBalance == null) {
      return outcome(Status.UNKNOWN_PAYER, null);
    }
    Long payeeBalance = balances.get(payee);
    if (payeeBalance == null) {
      return outcome(Status.UNKNOWN_PAYEE, payerBalance);
    }
    if (command.transferId() != null) {
      Optional<RecordedTransfer> earlier = earlierUse.find(command);
      if (earlier.isPresent()) {
        return outcome(earlier.get().reportedAgainAs(command), payerBalance);
      }
    }
    if (payerBalance < amount) {
      return outcome(Status.INSUFFICIENT_FUNDS, payerBalance);
    }
    if (payeeBalance > MAX_BALANCE_UNITS - amount) {
      return outcome(Status.LIMIT_EXCEEDED, payerBalance);
    }
    return outcome(Status.SETTLED, payerBalance - amount);
  }

  /** Moves a checked transfer's amount in {@code balances}, for the commands after it. */
  private static void apply(Map<String, Long> balances, TransferCommand command) {
    balances.merge(command.payer(), -command.amountUnits(), Long::sum);
    balances.merge(command.payee(), command.amountUnits(), Long::sum);
  }

  private static String idKey(TransferCommand command) {
    return command.payer() + '\n' + command.transferId();
  }

  private static Set<String> accountsOf(List<TransferCommand> batch) {
    Set<String> names = new HashSet<>();
    for (TransferCommand command : batch) {
      names.add(command.payer());
      names.add(command.payee());
    }
    return names;
  }

  private List<TransferOutcome> settleAll(Connection connection, List<TransferCommand> batch)
      throws SQLException {
    try (LedgerStatements sql = new LedgerStatements(connection)) {
      Map<String, Long> balances = sql.lockInNameOrder(accountsOf(batch));
      List<TransferOutcome> outcomes = new ArrayList<>(batch.size());
      for (TransferCommand command : batch) {
        outcomes.add(settle(sql, balances, command));
      }
      connection.commit();
      return outcomes;
    }
  }

  /**
   * Decides one transfer on the locked balances and, when it settles, writes it. Every check
   * comes before the first write, so a transfer that fails has written nothing and its
   * batch-mates are unaffected. {@code balances} is kept current for the next command.
   */
  private static TransferOutcome settle(LedgerStatements sql, Map<String, Long> balances,
      TransferCommand command) throws SQLException {
    TransferOutcome outcome = check(balances, command,
        earlier -> sql.findTransfer(earlier.payer(), earlier.transferId()));
    if (outcome.status() != Status.SETTLED) {
      return outcome;
    }
    sql.debit(command.payer(), command.amountUnits(), balances.get(command.payer()));
    sql.credit(command.payee(), command.amountUnits(), balances.get(command.payee()));
    try {
      sql.journal(JournalEntry.Kind.TRANSFER, command.payer(), command.payee(),
          command.amountUnits(), command.transferId());
    } catch (SQLException e) {
      if (LedgerStatements.isUniqueViolation(e)) {
        throw new DuplicateRace(command, e);
      }
      throw e;
    }
    apply(balances, command);
    return outcome;
  }

  private static TransferOutcome outcome(Status status, Long payerBalanceUnits) {
    return payerBalanceUnits == null ? TransferOutcome.of(status)
        : TransferOutcome.of(status, payerBalanceUnits);
  }

  private static void logOutcomes(List<TransferCommand> batch, List<TransferOutcome> outcomes) {
    if (!LOG.isDebugEnabled()) {
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      TransferCommand command = batch.get(i);
      LOG.debug("transfer {} {} -> {} {}: {}", command.transferId(), command.payer(),
          command.payee(), command.amountUnits(), outcomes.get(i));
    }
  }

  @Override
  public Optional<TransferCommand> settledTransfer(String payer, String transferId) {
    return inTransaction(connection -> {
      try (LedgerStatements sql = new LedgerStatements(connection)) {
        Optional<RecordedTransfer> recorded = sql.findTransfer(payer, transferId);
        connection.commit();
        return recorded.map(transfer -> new TransferCommand(payer, transfer.payee(),
            transfer.amountUnits(), transferId));
      }
    });
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
      // ORDER BY follows the database's collation, which on PostgreSQL may fold case; names
      // are case-sensitive, so the order promised is Java's, the same on every database.
      accounts.sort(Comparator.comparing(AccountBalance::name));
      return accounts;
    });
  }

  @Override
  public List<JournalEntry> journal(String account, int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be positive, was " + maxEntries);
    }
    return inTransaction(connection -> {
      List<JournalEntry> entries = new ArrayList<>();
      // Two index lookups joined by UNION ALL instead of one OR, which Derby answers with a
      // scan of the whole journal. No row is in both halves: a transfer's payer is never its
      // payee, and grants and deposits have no payer.
      try (PreparedStatement query = connection.prepareStatement(
          "SELECT entry_id, kind, debit_account, credit_account, amount, transfer_id,"
              + " recorded_at FROM journal WHERE debit_account = ?"
              + " UNION ALL SELECT entry_id, kind, debit_account, credit_account, amount,"
              + " transfer_id, recorded_at FROM journal WHERE credit_account = ?"
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
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    pool.close();
    DerbyLifecycle.shutdown(url);
  }

  private static void requireAccountName(String name) {
    if (name == null || name.isEmpty() || name.length() > MAX_ACCOUNT_NAME_LENGTH) {
      throw new IllegalArgumentException("an account name has 1 to " + MAX_ACCOUNT_NAME_LENGTH
          + " characters, was " + (name == null ? "null" : "'" + name + "'"));
    }
  }

  /** A unit of work on one connection; it commits what it wants kept. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} on a pooled connection. Whatever it did not commit is rolled back when the
   * connection goes back to the pool, so an early return or an exception leaves nothing behind
   * and releases its locks.
   */
  private <T> T inTransaction(Work<T> work) {
    for (int attempt = 1; ; attempt++) {
      Connection connection = pool.borrow();
      try {
        return work.run(connection);
      } catch (SQLException e) {
        if (isTransient(e) && attempt < MAX_TRANSIENT_ATTEMPTS) {
          // Rolled back whole (by the release below): running it again is safe.
          LOG.warn("ledger transaction rolled back by the database ({}, SQLState {}); running "
              + "it again (attempt {} of {})", e.getMessage(), e.getSQLState(), attempt + 1,
              MAX_TRANSIENT_ATTEMPTS);
          pauseBeforeRerun(attempt);
          continue;
        }
        LOG.error("ledger operation failed: {} (SQLState {})", e.getMessage(), e.getSQLState(),
            e);
        throw new LedgerException("ledger operation failed: " + e.getMessage()
            + " (SQLState " + e.getSQLState() + ")", e);
      } finally {
        pool.release(connection);
      }
    }
  }

  /**
   * A short random pause, longer with each attempt, so that transactions rolled back together
   * do not collide again at once.
   */
  private static void pauseBeforeRerun(int attempt) {
    try {
      Thread.sleep(1 + ThreadLocalRandom.current().nextInt(5 * attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * SQL class 40, transaction rollback: a deadlock victim or a lock timeout. Derby raises the
   * latter when concurrent inserts race for its identity generator, most often on a fresh
   * database.
   */
  private static boolean isTransient(SQLException e) {
    return e.getSQLState() != null && e.getSQLState().startsWith("40");
  }

  /**
   * The fast path cannot decide the batch: a transfer id was settled in an earlier transaction,
   * or a balance changed since it was read. The careful path then runs the batch.
   */
  private static final class FastPathUndecided extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param cause the unique violation, or null when a balance hint was stale */
    FastPathUndecided(SQLException cause) {
      super(cause == null ? "a balance changed since it was read" : cause.getMessage(), cause);
    }
  }

  /** Two reports of one id raced and this one lost; its whole batch is rolled back and rerun. */
  private static final class DuplicateRace extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient TransferCommand command;

    DuplicateRace(TransferCommand command, SQLException cause) {
      super(cause.getMessage(), cause);
      this.command = command;
    }
  }
}
