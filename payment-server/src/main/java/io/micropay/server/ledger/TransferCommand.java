package io.micropay.server.ledger;

/**
 * A transfer to settle: {@code amountUnits} from {@code payer} to {@code payee}.
 *
 * @param transferId the payer's id for exactly-once settlement, or null for the older form that
 *     settles once per report
 */
public record TransferCommand(String payer, String payee, long amountUnits, String transferId) {
  public TransferCommand {
    if (payer == null || payee == null) {
      throw new IllegalArgumentException("payer and payee are required");
    }
    if (amountUnits <= 0) {
      throw new IllegalArgumentException("amount must be positive, was " + amountUnits);
    }
  }
}
