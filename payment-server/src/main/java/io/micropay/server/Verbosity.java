package io.micropay.server;

/**
 * How much the server logs about sessions: the three levels of the assignment's reference server.
 */
public enum Verbosity {
  /** Registrations, logins and exits. */
  EVENTS,
  /** Also the online list whenever it changes. */
  LIST,
  /** Also every message in and out. */
  ALL;

  /** Whether this level includes {@code other}. */
  public boolean includes(Verbosity other) {
    return ordinal() >= other.ordinal();
  }
}
