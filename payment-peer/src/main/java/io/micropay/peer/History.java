package io.micropay.peer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What this peer paid and received during this run, newest last, for the shell's
 * {@code history} command. Bounded: the oldest entries go first.
 */
public final class History {
  /** The most entries kept. */
  public static final int MAX_ENTRIES = 10_000;

  /** One payment in or out. */
  public record Entry(Instant at, Direction direction, String counterparty, long amountUnits,
      String outcome) {
  }

  /** Which way the money went, or would have. */
  public enum Direction { PAID, RECEIVED }

  private final List<Entry> entries = new ArrayList<>();

  synchronized void add(Direction direction, String counterparty, long amountUnits,
      String outcome) {
    if (entries.size() == MAX_ENTRIES) {
      entries.remove(0);
    }
    entries.add(new Entry(Instant.now(), direction, counterparty, amountUnits, outcome));
  }

  /** A copy of the entries, oldest first. */
  public synchronized List<Entry> entries() {
    return List.copyOf(entries);
  }
}
