package io.micropay.server.ledger;

import java.util.OptionalLong;

/**
 * The ledger's verdict on one transfer.
 *
 * @param status what happened
 * @param payerBalanceUnits the payer's balance after the verdict (so a refusal can say
 *     "insufficient funds (balance 120)"); empty only when the payer has no account
 */
public record TransferOutcome(Status status, OptionalLong payerBalanceUnits) {
  /** What happened to a transfer; only SETTLED moved money. */
  public enum Status {
    /** Settled now: debit, credit and journal row committed. */
    SETTLED,
    /** This id was settled before with the same payer, amount and payee; nothing changed. */
    ALREADY_SETTLED,
    /** No account for the payer. */
    UNKNOWN_PAYER,
    /** No account for the payee. */
    UNKNOWN_PAYEE,
    /** Payer and payee are the same. */
    SELF_PAYMENT,
    /** The payer used this id before for a different amount or payee. */
    DUPLICATE_ID,
    /** The payer's balance is below the amount. */
    INSUFFICIENT_FUNDS,
    /** The payee's balance would pass the maximum. */
    LIMIT_EXCEEDED,
    /**
     * The session that reported it is no longer the payer's session: a newer login took the
     * account, and the payer reports again there. Nothing changed.
     */
    SESSION_REPLACED
  }

  static TransferOutcome of(Status status) {
    return new TransferOutcome(status, OptionalLong.empty());
  }

  static TransferOutcome of(Status status, long payerBalanceUnits) {
    return new TransferOutcome(status, OptionalLong.of(payerBalanceUnits));
  }

  /** The verdict on a transfer from a replaced session. */
  static TransferOutcome replaced() {
    return of(Status.SESSION_REPLACED);
  }

  /** Whether the money is (now or already) where the payer wanted it. */
  public boolean succeeded() {
    return status == Status.SETTLED || status == Status.ALREADY_SETTLED;
  }
}
