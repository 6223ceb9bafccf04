package io.micropay.peer;

/**
 * Where a running peer reports what happens without being asked: payments arriving, decisions
 * it made, trouble on the listener. The shell prints them above the prompt; the headless
 * {@code online} command prints them as lines.
 */
public interface PeerEvents {
  /** Something worth a line to the user. */
  void notice(String message);
}
