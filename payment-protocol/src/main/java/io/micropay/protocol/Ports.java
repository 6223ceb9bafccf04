package io.micropay.protocol;

/** Listening ports a peer may announce: decimal 1024 to 65535. */
public final class Ports {
  private static final int MAX_DIGITS = 5;

  private Ports() {
  }

  /** The port {@code text} denotes, or -1 when it is not a valid port. */
  public static int parseOrInvalid(String text) {
    long value = DecimalField.parse(text, MAX_DIGITS);
    return value >= 0 && isValid((int) value) ? (int) value : -1;
  }

  /** Whether {@code port} is within 1024..65535. */
  public static boolean isValid(int port) {
    return port >= Limits.MIN_PORT && port <= Limits.MAX_PORT;
  }
}
