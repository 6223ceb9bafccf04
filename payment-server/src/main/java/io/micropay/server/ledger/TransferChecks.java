package io.micropay.server.ledger;

import io.micropay.server.ledger.LedgerStatements.RecordedTransfer;
import io.micropay.server.ledger.TransferOutcome.Status;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The checks of a transfer, in the protocol's order, on balances a settlement strategy read:
 * the one set of rules that both strategies apply, so that they cannot disagree.
 */
final class TransferChecks {
  private TransferChecks() {
  }

  /** Where a transfer's id was used before, as far as one strategy looks. */
  @FunctionalInterface
  interface EarlierUse {
    Optional<RecordedTransfer> find(TransferCommand command) throws SQLException;
  }

  /**
   * Every check of one transfer against {@code balances}, in the protocol's order, before
   * anything is written: {@code SETTLED} means it may be written. The careful strategy looks the
   * id up in the journal; the fast one only in its own batch.
   */
  static TransferOutcome check(Map<String, Long> balances, TransferCommand command,
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
    if (payeeBalance > Ledger.MAX_BALANCE_UNITS - amount) {
      return outcome(Status.LIMIT_EXCEEDED, payerBalance);
    }
    return outcome(Status.SETTLED, payerBalance - amount);
  }

  /** Moves a checked transfer's amount in {@code balances}, for the commands after it. */
  static void apply(Map<String, Long> balances, TransferCommand command) {
    balances.merge(command.payer(), -command.amountUnits(), Long::sum);
    balances.merge(command.payee(), command.amountUnits(), Long::sum);
  }

  /** The key of a transfer id, which is unique per payer. */
  static String idKey(TransferCommand command) {
    return command.payer() + '\n' + command.transferId();
  }

  /** Every account a batch names, payers and payees. */
  static Set<String> accountsOf(List<TransferCommand> batch) {
    Set<String> names = new HashSet<>();
    for (TransferCommand command : batch) {
      names.add(command.payer());
      names.add(command.payee());
    }
    return names;
  }

  private static TransferOutcome outcome(Status status, Long payerBalanceUnits) {
    return payerBalanceUnits == null ? TransferOutcome.of(status)
        : TransferOutcome.of(status, payerBalanceUnits);
  }
}
