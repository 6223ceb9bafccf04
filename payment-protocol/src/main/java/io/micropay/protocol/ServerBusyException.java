package io.micropay.protocol;

/** The server answered {@code 240 BUSY}: it is at its session limit and closed the connection. */
public final class ServerBusyException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  public ServerBusyException() {
    super("the server answered " + Reply.BUSY.wire() + " (at its session limit)");
  }
}
