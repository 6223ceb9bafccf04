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
 */
public record TransferCommand(String payer, String payee, long amountUnits, String transferId,
    long sessionId) {
  /** A transfer that no session reported (tests, tools): the session guard lets it through. */
  public static final long NO_SESSION = 0;

  /** A transfer outside any session. */
  public TransferCommand(String payer, String payee, long amountUnits, String transferId) {
    this(payer, payee, amountUnits, transferId, NO_SESSION);
  }

  /**
   * Checks the parts.
   *
   * @throws IllegalArgumentException if a name is missing, the amount is not positive, or the
   *     id is empty or too long
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
  }
}
