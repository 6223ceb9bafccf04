package io.micropay.peer;

import java.time.Duration;
import java.util.Optional;

/** Asks the person at the terminal a yes/no question about an incoming payment. */
public interface Prompter {
  /**
   * Asks {@code question}; returns the answer, or empty when nobody answered within
   * {@code timeout}.
   */
  Optional<Boolean> ask(String question, Duration timeout);
}
