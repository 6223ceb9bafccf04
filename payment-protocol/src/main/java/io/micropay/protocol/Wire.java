package io.micropay.protocol;

import java.nio.charset.StandardCharsets;

/** How lines go on the wire: 7-bit ASCII, each ended by CRLF, whoever sends it. */
public final class Wire {
  /** The line terminator micropay sends. */
  public static final String CRLF = "\r\n";

  private Wire() {
  }

  /** {@code line} and CRLF, as bytes. */
  public static byte[] encodeLine(String line) {
    return (line + CRLF).getBytes(StandardCharsets.US_ASCII);
  }
}
