package io.micropay.protocol;

/**
 * Input that does not follow the protocol: a reply a client cannot understand, a line too long,
 * a malformed online list. The message says what was expected and what came.
 */
public class ProtocolException extends java.io.IOException {
  private static final long serialVersionUID = 1L;

  public ProtocolException(String message) {
    super(message);
  }
}
