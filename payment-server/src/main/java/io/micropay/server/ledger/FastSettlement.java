package io.micropay.server.ledger;

import io.micropay.server.ledger.LedgerStatements.RecordedTransfer;
import io.micropay.server.ledger.TransferOutcome.Status;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fast way to settle a batch in which every transfer settles: no lock is taken before the
 * writes, balances come from hints this ledger kept from its own commits (or an unlocked read),
 * transfer ids are not looked up one by one, and the writes are one JDBC batch of balance
 * updates plus the journal rows in a few multi-row INSERTs: one round trip per kind of write,
 * one commit per batch.
 *
 * <p>Why that is safe with other writers (another server on the same PostgreSQL, a deposit
 * committing between a read and a hint): every balance a decision used is written back with
 * compare-and-set, {@code UPDATE ... WHERE balance = <the value decided on>}, which takes the
 * row's lock and checks the value under it; the accounts a batch only reads are set to the
 * value they had, which checks them the same way. So by commit every settled transfer rests on
 * balances read under lock in this transaction. A refusal would not: it rests on a value that
 * need not be written, so a batch holding one is not decided here at all, and goes to
 * {@link CarefulSettlement}, as does a batch whose compare-and-set fails or whose journal insert
 * meets an id settled before (the unique constraint on payer and id).
 */
final class FastSettlement {
  /** Balances hinted at most: about 100 bytes each. */
  private static final int MAX_BALANCE_HINTS = 1_000_000;

  /**
   * The balance of each account as this ledger last committed or read it. Only a guess: any
   * writer may have changed it since, which compare-and-set catches.
   */
  private final Map<String, Long> balanceHints = new ConcurrentHashMap<>();

  /**
   * The fast way could not decide a batch: it holds a refusal, a balance changed since it was
   * read, or a transfer id was settled in an earlier transaction. Roll back and settle it the
   * careful way.
   */
  static final class Undecided extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Undecided(String why, SQLException cause) {
      super(why, cause);
    }
  }

  /**
   * Settles {@code batch}, every transfer of which must settle, in the transaction of
   * {@code connection}, and commits.
   *
   * @throws Undecided when it cannot; nothing is committed then
   */
  List<TransferOutcome> settle(Connection connection, List<TransferCommand> batch)
      throws SQLException {
    try (LedgerStatements sql = new LedgerStatements(connection)) {
      Set<String> accounts = TransferChecks.accountsOf(batch);
      Map<String, Long> balances = knownBalances(sql, accounts);
      Map<String, Long> before = new HashMap<>(balances);
      // Ids settled earlier in this batch; one settled in an earlier transaction is left to the
      // unique constraint.
      Map<String, RecordedTransfer> idsInBatch = new HashMap<>();
      TransferChecks.EarlierUse inThisBatch =
          command -> Optional.ofNullable(idsInBatch.get(TransferChecks.idKey(command)));
      List<LedgerStatements.JournalRow> rows = new ArrayList<>(batch.size());
      List<TransferOutcome> outcomes = new ArrayList<>(batch.size());
      for (TransferCommand command : batch) {
        TransferOutcome outcome = TransferChecks.check(balances, command, inThisBatch);
        if (outcome.status() != Status.SETTLED) {
          throw new Undecided("a " + outcome.status() + " must rest on balances read under lock",
              null);
        }
        TransferChecks.apply(balances, command);
        if (command.transferId() != null) {
          idsInBatch.put(TransferChecks.idKey(command), new RecordedTransfer(command.payee(),
              command.amountUnits()));
        }
        rows.add(new LedgerStatements.JournalRow(JournalEntry.Kind.TRANSFER, command.payer(),
            command.payee(), command.amountUnits(), command.transferId()));
        outcomes.add(outcome);
      }
      // Every account the batch names, changed or not: each decision used its balance.
      Map<String, long[]> checked = new HashMap<>();
      for (String name : accounts) {
        checked.put(name, new long[] {before.get(name), balances.get(name)});
      }
      if (!sql.compareAndSetBalances(checked)) {
        forget(accounts);
        throw new Undecided("a balance changed since it was read", null);
      }
      try {
        sql.journal(rows);
      } catch (SQLException e) {
        if (LedgerStatements.isUniqueViolation(e)) {
          throw new Undecided(e.getMessage(), e);
        }
        throw e;
      }
      connection.commit();
      checked.forEach((name, change) -> hint(name, change[1]));
      return outcomes;
    }
  }

  /**
   * Balances for the fast way: the hints, and an unlocked read of the rest. An account that
   * does not exist is absent, and its transfer is refused, which sends the batch the careful
   * way.
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

  /** Drops the hints of accounts another path changed; the next batch reads them. */
  void forget(Collection<String> names) {
    for (String name : names) {
      balanceHints.remove(name);
    }
  }
}
