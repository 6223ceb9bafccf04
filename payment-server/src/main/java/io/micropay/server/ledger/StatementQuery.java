package io.micropay.server.ledger;

import java.time.Instant;

/**
 * Which rows of an account's statement to read: newest first, at most {@code limit}, older than
 * entry {@code beforeEntry} (0 for the newest), recorded at or after {@code since} and before
 * {@code until} (null for no bound).
 */
public record StatementQuery(int limit, long beforeEntry, Instant since, Instant until) {
  /** The most rows one query reads (one page), besides the one that tells a next page exists. */
  public static final int MAX_LIMIT = 1_000;

  public StatementQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("a statement page holds 1 to " + MAX_LIMIT
          + " rows, not " + limit);
    }
    if (beforeEntry < 0) {
      throw new IllegalArgumentException("beforeEntry must not be negative, was " + beforeEntry);
    }
  }
}
