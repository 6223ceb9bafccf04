package io.micropay.server.ledger;

import java.time.Instant;

/**
 * A whole journal row, as statements and receipts read it.
 *
 * @param entryId its position in the journal
 * @param kind GRANT, DEPOSIT or TRANSFER
 * @param debitAccount who paid, null for grants and deposits
 * @param creditAccount who received
 * @param amountUnits how much
 * @param debitBalanceAfterUnits the payer's balance right after, -1 when none or not recorded
 *     (rows written before schema version 3)
 * @param creditBalanceAfterUnits the receiver's balance right after, -1 when not recorded
 * @param transferId the payer's id, null when none was given
 * @param memo the payer's memo, or null
 * @param recordedAt when it was committed
 */
public record JournalRecord(long entryId, JournalEntry.Kind kind, String debitAccount,
    String creditAccount, long amountUnits, long debitBalanceAfterUnits,
    long creditBalanceAfterUnits, String transferId, String memo, Instant recordedAt) {

  /** Whether {@code account} paid this row (as opposed to receiving it). */
  public boolean isPaidBy(String account) {
    return account.equals(debitAccount);
  }

  /** {@code account}'s balance right after this row, -1 when not recorded. */
  public long balanceAfterFor(String account) {
    return isPaidBy(account) ? debitBalanceAfterUnits : creditBalanceAfterUnits;
  }
}
