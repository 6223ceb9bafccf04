package io.micropay.peer;

import java.util.Locale;

/** How a peer decides on incoming payment requests. */
public enum AcceptPolicy {
  /** Ask the person at the terminal, declining with TIMEOUT if nobody answers in time. */
  PROMPT,
  /** Accept every request up to the configured maximum amount; decline larger ones. */
  AUTO,
  /** Decline every request. */
  NEVER;

  /** The spelling on the command line. */
  public String optionName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
