package io.micropay.server.ledger;

import io.micropay.protocol.Limits;
import io.micropay.rules.AccountNames;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Accounts, balances and the journal of every money movement. Every method that changes money
 * returns only after its transaction committed durably. Implementations are thread-safe.
 *
 * <p>A transfer is checked in the order of PROTOCOL.md section 4, and the first failing check
 * is its outcome: {@code SELF_PAYMENT}, {@code UNKNOWN_PAYER}, {@code UNKNOWN_PAYEE}, the
 * transfer id ({@code ALREADY_SETTLED} or {@code DUPLICATE_ID}), {@code INSUFFICIENT_FUNDS},
 * {@code LIMIT_EXCEEDED}. Only {@code SETTLED} moves money.
 */
public interface Ledger extends AutoCloseable {
  /** The largest balance an account may hold (PROTOCOL.md section 3). */
  long MAX_BALANCE_UNITS = Limits.MAX_BALANCE;
  /** The longest account name the ledger stores (PROTOCOL.md section 3). */
  int MAX_ACCOUNT_NAME_LENGTH = AccountNames.MAX_LENGTH;
  /** The longest transfer id the ledger stores (PROTOCOL.md section 3). */
  int MAX_TRANSFER_ID_LENGTH = Limits.MAX_TRANSFER_ID_LENGTH;
  /** The longest memo the ledger stores (PROTOCOL.md section 7). */
  int MAX_MEMO_LENGTH = Limits.MAX_MEMO_LENGTH;
  /**
   * The most commands one {@link #transferBatch} may carry: a batch holds a row lock on every
   * account it names until it commits, and Derby escalates to a table lock past 5000 row locks.
   */
  int MAX_BATCH_COMMANDS = 1_000;

  /**
   * Opens account {@code name} with an opening grant and an optional deposit (0 for none), each
   * its own journal row. {@code LIMIT_EXCEEDED} when the two together pass
   * {@link #MAX_BALANCE_UNITS}; {@code ALREADY_EXISTS} when the name is taken.
   *
   * @throws IllegalArgumentException if the name is empty or longer than
   *     {@link #MAX_ACCOUNT_NAME_LENGTH}, or an amount is negative
   */
  OpenAccountResult openAccount(String name, long openingGrantUnits, long openingDepositUnits);

  /**
   * Credits {@code amountUnits} to {@code name}, with a journal row.
   *
   * @throws IllegalArgumentException if the amount is not positive
   */
  DepositResult deposit(String name, long amountUnits);

  /** Settles one transfer in its own transaction; the outcome carries the payer's balance. */
  TransferOutcome transfer(TransferCommand command);

  /**
   * Settles transfers in one transaction (group commit), one outcome per command in order.
   * A command that fails never fails the others; each is checked against the balances its
   * predecessors in the batch left, and a transfer id settled earlier in the same batch counts
   * as settled.
   *
   * @throws IllegalArgumentException if there are more than {@link #MAX_BATCH_COMMANDS}
   */
  List<TransferOutcome> transferBatch(List<TransferCommand> commands);

  /**
   * The transfer {@code payer} settled under {@code transferId}, if it did: the payee, amount and
   * id as they were settled.
   */
  Optional<TransferCommand> settledTransfer(String payer, String transferId);

  /** The balance of {@code name}, empty when there is no such account. */
  OptionalLong balance(String name);

  /** Every account, sorted by name as Java compares strings (case-sensitive). */
  List<AccountBalance> accounts();

  /**
   * The newest {@code maxEntries} journal rows that involve {@code account}, newest first.
   *
   * @throws IllegalArgumentException if {@code maxEntries} is not positive
   */
  List<JournalEntry> journal(String account, int maxEntries);

  /**
   * A page of {@code account}'s statement: the journal rows that involve it, newest first, as
   * {@code query} selects them, and one more if there is one (so the caller knows a next page
   * exists). Reads an index, not the journal: milliseconds among millions of rows.
   */
  List<JournalRecord> statement(String account, StatementQuery query);

  /** The journal row of the transfer {@code payer} settled under {@code transferId}, if any. */
  Optional<JournalRecord> transferRecord(String payer, String transferId);

  /**
   * Whether the ledger takes work now: false while its database is unusable (gone, or turned
   * read-only by a full disk) and until it is back. For health checks.
   */
  default boolean isReady() {
    return true;
  }

  /** Checks that the books balance; see {@link AuditReport}. */
  AuditReport audit();

  /**
   * Releases connections and, for embedded Derby, shuts the database down cleanly (an in-memory
   * one is dropped). Calling it again does nothing.
   */
  @Override
  void close();
}
