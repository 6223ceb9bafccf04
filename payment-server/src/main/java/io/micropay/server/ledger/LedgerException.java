package io.micropay.server.ledger;

/**
 * The ledger cannot do its work: the database is unreachable, in use by another process, or
 * newer than this code. The message says which, and what to do.
 */
public final class LedgerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A failure described by {@code message}. */
  public LedgerException(String message) {
    super(message);
  }

  /** A failure described by {@code message}, caused by {@code cause}. */
  public LedgerException(String message, Throwable cause) {
    super(message, cause);
  }
}
