package io.micropay.server.ledger;

/** The result of opening an account. */
public enum OpenAccountResult {
  /** Opened, with its grant (and deposit) in the journal. */
  OPENED,
  /** The name is taken; nothing changed. */
  ALREADY_EXISTS,
  /** The opening balance would pass the maximum; nothing changed. */
  LIMIT_EXCEEDED
}
