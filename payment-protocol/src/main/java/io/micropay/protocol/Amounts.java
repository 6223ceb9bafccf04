package io.micropay.protocol;

/**
 * Amounts on the wire: decimal digits only, no sign, no leading zero, 1 to 1,000,000,000 units.
 * A string of digits too long for any valid amount is refused before it is converted, so nothing
 * overflows.
 */
public final class Amounts {
  /** Digits in the largest amount, 1000000000. */
  private static final int MAX_DIGITS = 10;

  private Amounts() {
  }

  /** The amount {@code text} denotes, or -1 when it is not a valid amount. */
  public static long parseOrInvalid(String text) {
    long value = DecimalField.parse(text, MAX_DIGITS);
    return isValid(value) ? value : -1;
  }

  /** Whether {@code units} is within 1..1,000,000,000. */
  public static boolean isValid(long units) {
    return units >= Limits.MIN_AMOUNT && units <= Limits.MAX_AMOUNT;
  }

  /** Returns {@code units}, or throws IllegalArgumentException when out of range. */
  public static long requireValid(long units) {
    if (!isValid(units)) {
      throw new IllegalArgumentException("amount " + units + " is outside "
          + Limits.MIN_AMOUNT + ".." + Limits.MAX_AMOUNT);
    }
    return units;
  }
}
