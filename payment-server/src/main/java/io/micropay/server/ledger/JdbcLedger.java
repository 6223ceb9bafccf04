package io.micropay.server.ledger;

import io.micropay.server.ledger.CarefulSettlement.DuplicateRace;
import io.micropay.server.ledger.LedgerStatements.RecordedTransfer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger on plain JDBC with portable SQL: Apache Derby embedded by default, PostgreSQL when
 * one machine is not enough or several servers share one set of books. Autocommit off, READ
 * COMMITTED, row locks taken by UPDATE. Any number of ledgers, in this process or others, may
 * write the same database at once.
 *
 * <p>How it keeps its promises:
 * <ul>
 *   <li><b>No deadlock</b>: a transaction locks the accounts it touches in name order, whether
 *       by the careful strategy's up-front locks or by the fast one's compare-and-set updates.
 *       Opposite transfers between the same two accounts, and batches that share accounts,
 *       queue instead of waiting on each other.</li>
 *   <li><b>No overdraft, no false refusal</b>: every decision rests on balances read or
 *       compare-and-set under lock in the same transaction ({@link CarefulSettlement},
 *       {@link FastSettlement}). The debit is still {@code UPDATE ... WHERE balance >= amount},
 *       and a CHECK constraint is the last line.</li>
 *   <li><b>Exactly once</b>: a unique constraint on (payer, transfer id) in the journal. The
 *       payer's lock makes two reports of one id take turns, so the second finds the first's
 *       row; should a writer that skips the lock win anyway, the loser gets SQLState 23505, rolls
 *       back and runs again, and then finds the winner's row.</li>
 *   <li><b>Durable</b>: methods return after commit (Derby forces its log at commit,
 *       PostgreSQL its WAL).</li>
 * </ul>
 */
public final class JdbcLedger implements Ledger {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcLedger.class);
  /**
   * How often a batch is run again after losing a transfer-id race. One retry always suffices
   * (the winner's row is then committed and found); the bound only stops a broken database
   * from looping us forever.
   */
  private static final int MAX_DUPLICATE_RACE_RETRIES = 3;

  private final LedgerDatabase database;
  private final boolean ownsDatabase;
  private final FastSettlement fast = new FastSettlement();
  private volatile SessionGuard sessionGuard = SessionGuard.NONE;
  private final AtomicBoolean closed = new AtomicBoolean();

  private JdbcLedger(LedgerDatabase database, boolean ownsDatabase) {
    this.database = database;
    this.ownsDatabase = ownsDatabase;
  }

  /**
   * Opens the ledger at {@code jdbcUrl} (no password) with {@code poolSize} connections and
   * brings its schema up to date; closing the ledger closes the database.
   *
   * @throws LedgerException if the database cannot be opened, is in use by another process, or
   *     has a schema newer than this code
   * @throws IllegalArgumentException if {@code poolSize} is outside 1 to
   *     {@link LedgerDatabase#MAX_POOL_SIZE}
   */
  public static JdbcLedger open(String jdbcUrl, int poolSize) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    return open(LedgerDatabase.open(jdbcUrl, null, poolSize), true);
  }

  /**
   * The ledger in {@code database}, its schema brought up to date.
   *
   * @param ownsDatabase whether closing the ledger closes the database; false when other parts
   *     of the server use it too
   */
  public static JdbcLedger open(LedgerDatabase database, boolean ownsDatabase) {
    int version;
    try {
      version = database.inTransaction(
          connection -> SchemaMigrations.migrate(connection, database.dialect()));
    } catch (RuntimeException e) {
      if (ownsDatabase) {
        database.close();
      }
      throw e;
    }
    LOG.info("ledger {} open: schema version {}", database.describe(), version);
    return new JdbcLedger(database, ownsDatabase);
  }

  /** The database under this ledger. */
  public LedgerDatabase database() {
    return database;
  }

  /**
   * Whether the ledger takes work now: false while its database is unusable (see
   * {@link LedgerDatabase#isReady}). For health checks.
   */
  @Override
  public boolean isReady() {
    return !closed.get() && database.isReady();
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
    return database.inTransaction(connection -> {
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
    return database.inTransaction(connection -> {
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
        fast.forget(List.of(name));
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

  /**
   * Group commit: the whole batch in one transaction. The fast strategy first; a batch it cannot
   * decide (a refusal, a balance another writer changed, an id settled before) is rolled back
   * and settled the careful way.
   */
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
      List<TransferOutcome> outcomes = database.inTransaction(
          connection -> guarded(connection, batch, fast::settle));
      logOutcomes(batch, outcomes);
      return outcomes;
    } catch (FastSettlement.Undecided retry) {
      LOG.debug("the fast strategy could not decide a batch of {} ({}); settling it carefully",
          batch.size(), retry.getMessage());
    }
    for (int attempt = 1; ; attempt++) {
      try {
        List<TransferOutcome> outcomes = database.inTransaction(
            connection -> guarded(connection, batch, CarefulSettlement::settle));
        fast.forget(TransferChecks.accountsOf(batch));
        logOutcomes(batch, outcomes);
        return outcomes;
      } catch (DuplicateRace race) {
        if (attempt > MAX_DUPLICATE_RACE_RETRIES) {
          throw new LedgerException("transfer " + race.command().transferId() + " from "
              + race.command().payer() + " kept colliding after " + attempt + " attempts",
              race);
        }
        LOG.warn("transfer {} from {}: another connection recorded this id first; checking"
            + " the batch of {} again", race.command().transferId(), race.command().payer(),
            batch.size());
      }
    }
  }

  /**
   * Checks every transfer of a batch against the settlement barrier from now on: servers that
   * share this ledger set it once, before their first session.
   */
  public void guardSessions(SessionGuard guard) {
    this.sessionGuard = guard;
  }

  /** One way of settling a batch in a transaction, committing it. */
  private interface Strategy {
    List<TransferOutcome> settle(Connection connection, List<TransferCommand> batch)
        throws SQLException;
  }

  /**
   * The batch's transfers from replaced sessions get {@code SESSION_REPLACED}; the rest settle
   * by {@code strategy}, in the same transaction as the guard's check (which locks what it
   * read until the commit).
   */
  private List<TransferOutcome> guarded(Connection connection, List<TransferCommand> batch,
      Strategy strategy) throws SQLException {
    Set<Integer> replaced = sessionGuard.replaced(connection, batch);
    if (replaced.isEmpty()) {
      return strategy.settle(connection, batch);
    }
    List<TransferCommand> live = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      if (!replaced.contains(i)) {
        live.add(batch.get(i));
      }
    }
    List<TransferOutcome> settled;
    if (live.isEmpty()) {
      connection.commit();
      settled = List.of();
    } else {
      settled = strategy.settle(connection, live);
    }
    List<TransferOutcome> outcomes = new ArrayList<>(batch.size());
    int next = 0;
    for (int i = 0; i < batch.size(); i++) {
      outcomes.add(replaced.contains(i) ? TransferOutcome.replaced() : settled.get(next++));
    }
    return outcomes;
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
    return database.inTransaction(connection -> {
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
    return database.inTransaction(connection -> {
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
    return database.inTransaction(connection -> {
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
    return database.inTransaction(connection -> {
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
    return database.inTransaction(LedgerAudit::run);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (ownsDatabase) {
      database.close();
    }
  }

  private static void requireAccountName(String name) {
    if (name == null || name.isEmpty() || name.length() > MAX_ACCOUNT_NAME_LENGTH) {
      throw new IllegalArgumentException("an account name has 1 to " + MAX_ACCOUNT_NAME_LENGTH
          + " characters, was " + (name == null ? "null" : "'" + name + "'"));
    }
  }
}
