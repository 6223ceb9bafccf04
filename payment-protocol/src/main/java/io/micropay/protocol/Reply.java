package io.micropay.protocol;

/**
 * The server's fixed replies, with their exact wire text; both ends use this one enum. All but
 * {@link #PONG} are version 1's.
 */
public enum Reply {
  OK("100 OK"),
  FAIL("210 FAIL"),
  AUTH_FAIL("220 AUTH_FAIL"),
  FORMAT_ERROR("230 Input format error"),
  BUSY("240 BUSY"),
  BYE("Bye"),
  TRANSFER_OK("Transfer OK!"),
  DEPOSIT_OK("DEPOSIT OK"),
  DEPOSIT_FAIL("DEPOSIT FAIL"),
  /** Version 2: the answer to {@code PING}. */
  PONG("PONG");

  private final String wire;

  Reply(String wire) {
    this.wire = wire;
  }

  /** The reply's text, without terminator. */
  public String wire() {
    return wire;
  }

  /** The reply's bytes with CRLF. */
  public byte[] encode() {
    return Wire.encodeLine(wire);
  }

  /** The reply whose text is exactly {@code line}, if any. */
  public static java.util.Optional<Reply> of(String line) {
    for (Reply reply : values()) {
      if (reply.wire.equals(line)) {
        return java.util.Optional.of(reply);
      }
    }
    return java.util.Optional.empty();
  }
}
