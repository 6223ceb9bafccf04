package io.micropay.server.presence;

/** The shared online list could not be read or written (its database is unreachable). */
public final class PresenceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PresenceException(String message, Throwable cause) {
    super(message, cause);
  }
}
