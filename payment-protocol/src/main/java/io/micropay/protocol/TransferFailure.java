package io.micropay.protocol;

/**
 * Why the server refused a transfer report, in the order the server checks (PROTOCOL.md
 * section 4). The reply line is {@code Transfer Fail! <NAME>}.
 */
public enum TransferFailure {
  /** The session has not logged in. */
  NOT_LOGGED_IN,
  /** The session's certificate is not the payer's. */
  NOT_YOUR_ACCOUNT,
  /** Payer and payee are the same account. */
  SELF_PAYMENT,
  /** No such payee account. */
  UNKNOWN_PAYEE,
  /** The id was settled before with a different payer, amount or payee. */
  DUPLICATE_ID,
  /** The payer's balance is smaller than the amount. */
  INSUFFICIENT_FUNDS,
  /** The payee's balance would pass the maximum. */
  LIMIT_EXCEEDED
}
