package io.micropay.protocol;

/** The server answered {@code 220 AUTH_FAIL} where an online list was expected. */
public final class AuthFailedException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  public AuthFailedException() {
    super("the server answered " + Reply.AUTH_FAIL.wire());
  }
}
