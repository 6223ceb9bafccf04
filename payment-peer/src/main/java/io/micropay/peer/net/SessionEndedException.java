package io.micropay.peer.net;

import java.io.IOException;

/** A request found its session ended: the message says how, in the words of the session. */
public final class SessionEndedException extends IOException {
  private static final long serialVersionUID = 1L;

  public SessionEndedException(String message) {
    super(message);
  }
}
