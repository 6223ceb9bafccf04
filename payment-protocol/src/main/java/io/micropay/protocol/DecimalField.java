package io.micropay.protocol;

/**
 * A non-negative decimal number as the protocol writes it: digits only, no sign, no leading zero
 * (a lone "0" is allowed), at most a given number of digits so that it cannot overflow.
 */
final class DecimalField {
  private DecimalField() {
  }

  /** The value of {@code text}, or -1 when it is not such a number of at most maxDigits. */
  static long parse(String text, int maxDigits) {
    if (text.isEmpty() || text.length() > maxDigits
        || (text.charAt(0) == '0' && text.length() > 1)) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
