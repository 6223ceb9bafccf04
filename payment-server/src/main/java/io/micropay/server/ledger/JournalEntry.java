package io.micropay.server.ledger;

import java.time.Instant;

/**
 * One money movement.
 *
 * @param entryId its position in the journal
 * @param kind GRANT (opening balance), DEPOSIT or TRANSFER
 * @param debitAccount who paid, null for grants and deposits
 * @param creditAccount who received
 * @param amountUnits how much
 * @param transferId the payer's id, null when none was given
 * @param recordedAt when it was committed
 */
public record JournalEntry(long entryId, Kind kind, String debitAccount, String creditAccount,
    long amountUnits, String transferId, Instant recordedAt) {

  /** The kinds of movement. */
  public enum Kind { GRANT, DEPOSIT, TRANSFER }
}
