package io.micropay.protocol;

/**
 * Version 2: the server's answer to {@code LIMITS}, the limits a peer must know to stay online and
 * to explain a refusal: {@code LIMITS#<idleTimeoutMillis>#<maxDepositUnits>}. A later server may
 * add fields after these; a client ignores what it does not know.
 *
 * @param idleTimeoutMillis how long a session may send nothing before the server closes it
 * @param maxDepositUnits the largest deposit the server accepts; 0 when deposits are disabled
 */
public record ServerLimits(long idleTimeoutMillis, long maxDepositUnits) {
  /** The reply's first field. */
  public static final String KEYWORD = "LIMITS";
  /** Digits of the longest idle timeout (a day is 86400000 ms; the field allows far more). */
  private static final int MAX_MILLIS_DIGITS = 12;

  public ServerLimits {
    if (idleTimeoutMillis < 1) {
      throw new IllegalArgumentException("the idle timeout must be positive, was "
          + idleTimeoutMillis);
    }
    if (maxDepositUnits < 0 || maxDepositUnits > Limits.MAX_AMOUNT) {
      throw new IllegalArgumentException("the deposit limit must be 0.." + Limits.MAX_AMOUNT
          + ", was " + maxDepositUnits);
    }
  }

  /** Whether the server takes deposits at all. */
  public boolean depositsEnabled() {
    return maxDepositUnits > 0;
  }

  /** The line, without terminator. */
  public String format() {
    return KEYWORD + "#" + idleTimeoutMillis + "#" + maxDepositUnits;
  }

  /** Reads the reply to {@code LIMITS}; anything else is a ProtocolException naming what came. */
  public static ServerLimits parse(String line) throws ProtocolException {
    String[] fields = line.split("#", -1);
    if (fields.length >= 3 && fields[0].equals(KEYWORD)) {
      long idle = DecimalField.parse(fields[1], MAX_MILLIS_DIGITS);
      long deposit = DecimalField.parse(fields[2], MAX_MILLIS_DIGITS);
      if (idle >= 1 && deposit >= 0 && deposit <= Limits.MAX_AMOUNT) {
        return new ServerLimits(idle, deposit);
      }
    }
    throw new ProtocolException("expected 'LIMITS#<idle timeout ms>#<max deposit>', got '"
        + Printable.of(line) + "'");
  }
}
