package io.micropay.protocol;

/** Text from the wire made safe to show in one line of a message or log. */
public final class Printable {
  /** How much of a line error messages quote. */
  private static final int MAX_QUOTED_CHARS = 80;

  private Printable() {
  }

  /** {@code text} with control and non-ASCII characters escaped, cut at 80 characters. */
  public static String of(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < MAX_QUOTED_CHARS; i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append(String.format("\\x%02x", (int) c & 0xff));
      }
    }
    return text.length() > MAX_QUOTED_CHARS ? out + "..." : out.toString();
  }
}
