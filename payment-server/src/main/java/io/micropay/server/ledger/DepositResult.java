package io.micropay.server.ledger;

/** The result of a deposit. */
public enum DepositResult {
  /** Credited, with a journal row. */
  OK,
  /** No such account; nothing changed. */
  UNKNOWN_ACCOUNT,
  /** The balance would pass the maximum; nothing changed. */
  LIMIT_EXCEEDED
}
