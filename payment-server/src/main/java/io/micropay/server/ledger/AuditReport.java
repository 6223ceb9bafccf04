package io.micropay.server.ledger;

import java.util.List;

/**
 * What an audit found. The books balance when every account's balance equals what its journal
 * rows add up to, and the sum of all balances equals the grants plus the deposits: transfers move
 * money, they never make or lose it.
 *
 * @param accountCount accounts in the ledger
 * @param journalRows rows in the journal
 * @param transferCount journal rows that are transfers
 * @param totalBalanceUnits the sum of all balances
 * @param totalGrantUnits the sum of all opening grants
 * @param totalDepositUnits the sum of all deposits
 * @param discrepancies every problem found, in words; empty when the books balance
 */
public record AuditReport(long accountCount, long journalRows, long transferCount,
    long totalBalanceUnits, long totalGrantUnits, long totalDepositUnits,
    List<String> discrepancies) {

  /** The first line of {@link #describe} when the books balance. */
  public static final String BALANCED = "BALANCED";

  /** Keeps an unmodifiable copy of the discrepancies. */
  public AuditReport {
    discrepancies = List.copyOf(discrepancies);
  }

  /** Whether the books balance. */
  public boolean balanced() {
    return discrepancies.isEmpty();
  }

  /** A readable report, several lines. */
  public String describe() {
    StringBuilder text = new StringBuilder();
    text.append(balanced() ? BALANCED : "NOT " + BALANCED).append('\n')
        .append("  accounts:          ").append(accountCount).append('\n')
        .append("  journal rows:      ").append(journalRows).append('\n')
        .append("  transfers:         ").append(transferCount).append('\n')
        .append("  sum of balances:   ").append(totalBalanceUnits).append('\n')
        .append("  grants + deposits: ").append(totalGrantUnits).append(" + ")
        .append(totalDepositUnits).append(" = ").append(totalGrantUnits + totalDepositUnits)
        .append('\n');
    for (String discrepancy : discrepancies) {
      text.append("  PROBLEM: ").append(discrepancy).append('\n');
    }
    return text.toString().stripTrailing();
  }

  @Override
  public String toString() {
    return describe();
  }
}
