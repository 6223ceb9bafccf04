package io.micropay.server.ledger;

import io.micropay.server.ledger.TransferOutcome.Status;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The careful way to settle a batch: lock every account it names, in name order, read their
 * balances under those locks, and then check, look every transfer id up in the journal, and
 * write transfer by transfer. Every refusal it gives rests on values read under lock in its own
 * transaction, which is why the fast way hands it every batch that holds a refusal.
 */
final class CarefulSettlement {
  private CarefulSettlement() {
  }

  /** Two reports of one id raced and this one lost; its whole batch is rolled back and rerun. */
  static final class DuplicateRace extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient TransferCommand command;

    DuplicateRace(TransferCommand command, SQLException cause) {
      super(cause.getMessage(), cause);
      this.command = command;
    }

    TransferCommand command() {
      return command;
    }
  }

  /**
   * Settles {@code batch} in the transaction of {@code connection} and commits.
   *
   * @throws DuplicateRace when a transfer id was recorded by another transaction after it was
   *     looked up; the caller runs the batch again, and then finds it
   */
  static List<TransferOutcome> settle(Connection connection, List<TransferCommand> batch)
      throws SQLException {
    try (LedgerStatements sql = new LedgerStatements(connection)) {
      Map<String, Long> balances = sql.lockInNameOrder(TransferChecks.accountsOf(batch));
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
    TransferOutcome outcome = TransferChecks.check(balances, command,
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
    TransferChecks.apply(balances, command);
    return outcome;
  }
}
