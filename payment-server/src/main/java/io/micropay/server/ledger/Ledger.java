package io.micropay.server.ledger;

import java.util.List;
import java.util.OptionalLong;

/**
 * Accounts, balances and the journal of every money movement. Every method that changes money
 * returns only after its transaction committed durably. Implementations are thread-safe.
 */
public interface Ledger extends AutoCloseable {
  /** The largest balance an account may hold (PROTOCOL.md section 3). */
  long MAX_BALANCE_UNITS = 1_000_000_000_000_000L;

  /**
   * Opens account {@code name} with an opening grant and an optional deposit (0 for none), each
   * its own journal row.
   */
  OpenAccountResult openAccount(String name, long openingGrantUnits, long openingDepositUnits);

  /** Credits {@code amountUnits} to {@code name}. */
  DepositResult deposit(String name, long amountUnits);

  /** Settles one transfer in its own transaction. */
  TransferOutcome transfer(TransferCommand command);

  /**
   * Settles transfers in one transaction (group commit), one outcome per command in order.
   * A command that fails never fails the others; each is checked against the balances its
   * predecessors in the batch left.
   */
  List<TransferOutcome> transferBatch(List<TransferCommand> commands);

  /** The balance of {@code name}, empty when there is no such account. */
  OptionalLong balance(String name);

  /** Every account, sorted by name. */
  List<AccountBalance> accounts();

  /** The newest {@code maxEntries} journal rows that involve {@code account}, newest first. */
  List<JournalEntry> journal(String account, int maxEntries);

  /** Checks that the books balance; see {@link AuditReport}. */
  AuditReport audit();

  /** Releases connections and, for embedded Derby, shuts the database down cleanly. */
  @Override
  void close();
}
