package io.micropay.server.ledger;

/**
 * A transfer to settle: {@code amountUnits} from {@code payer} to {@code payee}. The wire codec
 * has already enforced the protocol's rules; this only refuses what the ledger could not store.
 *
 * @param payer the account to debit
 * @param payee the account to credit
 * @param amountUnits how much, positive
 * @param transferId the payer's id for exactly-once settlement, or null for the older form that
 *     settles once per report; at most {@link Ledger#MAX_TRANSFER_ID_LENGTH} characters
 * @param sessionId the server's id of the payer's session that reported it, for the
 *     {@link SessionGuard}; {@link #NO_SESSION} when no session is involved
 * @param memo the payer's note, stored with the transfer, or null; at most
 *     {@link Ledger#MAX_MEMO_LENGTH} characters (the wire codec checks its characters)
 */
public record TransferCommand(String payer, String payee, long amountUnits, String transferId,
    long sessionId, String memo) {
  /** A transfer that no session reported (tests, tools): the session guard lets it through. */
  public static final long NO_SESSION = 0;

  /** A transfer outside any session. */
  public TransferCommand(String payer, String payee, long amountUnits, String transferId) {
    this(payer, payee, amountUnits, transferId, NO_SESSION, null);
  }

  /** A transfer without a memo. */
  public TransferCommand(String payer, String payee, long amountUnits, String transferId,
      long sessionId) {
    this(payer, payee, amountUnits, transferId, sessionId, null);
  }

  /**
   * Checks the parts.
   *
   * @throws IllegalArgumentException if a name is missing, the amount is not positive, or the
   *     id or memo is empty or too long
   */
  public TransferCommand {
    if (payer == null || payee == null) {
      throw new IllegalArgumentException("payer and payee are required");
    }
    if (amountUnits <= 0) {
      throw new IllegalArgumentException("amount must be positive, was " + amountUnits);
    }
    if (transferId != null
        && (transferId.isEmpty() || transferId.length() > Ledger.MAX_TRANSFER_ID_LENGTH)) {
      throw new IllegalArgumentException("transfer id must be 1 to "
          + Ledger.MAX_TRANSFER_ID_LENGTH + " characters, was " + transferId.length());
    }
    if (memo != null && (memo.isEmpty() || memo.length() > Ledger.MAX_MEMO_LENGTH)) {
      throw new IllegalArgumentException("a memo has 1 to " + Ledger.MAX_MEMO_LENGTH
          + " characters, was " + memo.length());
    }
  }
}
