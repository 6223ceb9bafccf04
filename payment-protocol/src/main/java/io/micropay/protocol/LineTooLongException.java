package io.micropay.protocol;

/** A line went past the reader's limit without a terminator. */
public final class LineTooLongException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  public LineTooLongException(int maxLineBytes) {
    super("a line is longer than " + maxLineBytes + " bytes");
  }
}
