package io.micropay.peer;

/**
 * A payment that settled.
 *
 * @param payee who was paid
 * @param amountUnits how much
 * @param transferId the id it settled under
 * @param balanceBeforeUnits the payer's balance before
 * @param balanceAfterUnits the payer's balance after, as the server reports it
 */
public record PaymentReceipt(String payee, long amountUnits, String transferId,
    long balanceBeforeUnits, long balanceAfterUnits) {
}
