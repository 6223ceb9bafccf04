package io.micropay.server.ledger;

/**
 * The ledger cannot do its work: the database is unreachable, in use by another process, or
 * newer than this code. The message says which, and what to do.
 */
public final class LedgerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LedgerException(String message) {
    super(message);
  }

  public LedgerException(String message, Throwable cause) {
    super(message, cause);
  }
}
