package io.micropay.protocol;

import io.micropay.rules.AccountNames;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Version 2: one line of a statement, as the account it belongs to sees it. On the wire:
 * {@code ENTRY#<entry>#<time>#<kind>#<counterparty>#<amount>#<balanceAfter>#<transferId>[#<memo>]},
 * with {@code -} for a counterparty, balance or id there is none of (a grant or deposit has no
 * counterparty; a row written before balances were kept has no balance; a report without an id
 * has no id). {@code -} is never a valid name, balance or id, so it cannot be mistaken for one.
 *
 * @param entryId the journal entry number: the order of entries, and a page's cursor
 * @param time when it was committed, to the millisecond
 * @param kind what it was for this account
 * @param counterparty the other account of a transfer, null for a grant or deposit
 * @param amountUnits how much, 1 to {@link Limits#MAX_BALANCE}
 * @param balanceAfterUnits this account's balance right after, or -1 when not recorded
 * @param transferId the payer's transfer id, or null
 * @param memo the payer's memo, or null
 */
public record StatementEntry(long entryId, Instant time, Kind kind, String counterparty,
    long amountUnits, long balanceAfterUnits, String transferId, String memo) {
  /** The first field of an entry line. */
  public static final String KEYWORD = "ENTRY";
  /** What stands for a value there is none of. */
  public static final String NONE = "-";
  private static final int MAX_ENTRY_DIGITS = 18;
  private static final int MAX_BALANCE_DIGITS = 16;

  /** What an entry was for the account whose statement it is in. */
  public enum Kind {
    /** The opening balance. */
    GRANT,
    /** Money paid in. */
    DEPOSIT,
    /** A transfer this account paid. */
    PAID,
    /** A transfer this account received. */
    RECEIVED;

    /** The wire and table spelling, lower case. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public StatementEntry {
    if (entryId < 1) {
      throw new IllegalArgumentException("an entry number is positive, was " + entryId);
    }
    time = time.truncatedTo(ChronoUnit.MILLIS);
    boolean transfer = kind == Kind.PAID || kind == Kind.RECEIVED;
    if (transfer != (counterparty != null)) {
      throw new IllegalArgumentException("a transfer has a counterparty, a " + kind.word()
          + " has none");
    }
    if (counterparty != null) {
      AccountNames.requireValid(counterparty);
    }
    if (amountUnits < 1 || amountUnits > Limits.MAX_BALANCE) {
      throw new IllegalArgumentException("amount " + amountUnits + " is outside 1.."
          + Limits.MAX_BALANCE);
    }
    if (balanceAfterUnits < -1 || balanceAfterUnits > Limits.MAX_BALANCE) {
      throw new IllegalArgumentException("balance " + balanceAfterUnits + " is outside 0.."
          + Limits.MAX_BALANCE);
    }
    if (transferId != null) {
      TransferId.requireValid(transferId);
    }
    if (memo != null) {
      Memo.requireValid(memo);
    }
  }

  /** The line, without terminator: at most about 330 characters, well inside a line. */
  public String format() {
    return KEYWORD + "#" + entryId + "#" + time + "#" + kind.word() + "#" + orNone(counterparty)
        + "#" + amountUnits + "#" + (balanceAfterUnits < 0 ? NONE : balanceAfterUnits) + "#"
        + orNone(transferId) + (memo == null ? "" : "#" + memo);
  }

  /** Reads an entry line; anything else is a ProtocolException. */
  public static StatementEntry parse(String line) throws ProtocolException {
    String[] fields = line.split("#", -1);
    try {
      if ((fields.length == 8 || fields.length == 9) && fields[0].equals(KEYWORD)) {
        long entry = DecimalField.parse(fields[1], MAX_ENTRY_DIGITS);
        Instant time = Instant.parse(fields[2]);
        Kind kind = Kind.valueOf(fields[3].toUpperCase(Locale.ROOT));
        long amount = DecimalField.parse(fields[5], MAX_BALANCE_DIGITS);
        long balance = fields[6].equals(NONE) ? -1
            : requireNumber(DecimalField.parse(fields[6], MAX_BALANCE_DIGITS));
        return new StatementEntry(entry, time, kind, noneToNull(fields[4]), amount, balance,
            noneToNull(fields[7]), fields.length == 9 ? fields[8] : null);
      }
    } catch (IllegalArgumentException | DateTimeParseException invalid) {
      // Reported below, with the whole line.
    }
    throw new ProtocolException("expected 'ENTRY#<entry>#<time>#<kind>#<counterparty>#<amount>"
        + "#<balanceAfter>#<transferId>[#<memo>]', got '" + Printable.of(line) + "'");
  }

  private static long requireNumber(long parsed) {
    if (parsed < 0) {
      throw new IllegalArgumentException("not a number");
    }
    return parsed;
  }

  private static String orNone(String value) {
    return value == null ? NONE : value;
  }

  private static String noneToNull(String field) {
    return field.equals(NONE) ? null : field;
  }
}
