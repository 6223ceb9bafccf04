package io.micropay.rules;

import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The account-name rule of PROTOCOL.md section 3, written once for the two modules that must agree
 * on it and may not depend on each other: the CA (pki) puts an account name in the CN of every
 * peer certificate, the wire codec (payment-protocol) reads names on every line, and the server
 * holds one to the other. A name is 1 to {@value #MAX_LENGTH} characters from
 * {@code A-Z a-z 0-9 _ . -}, starts with a letter, is case-sensitive, and is none of the
 * {@link #RESERVED_WORDS} in any letter case.
 */
public final class AccountNames {
  /** The longest account name, in characters. */
  public static final int MAX_LENGTH = 32;
  /**
   * The protocol's command words REGISTER, DEPOSIT, List and Exit, in lower case: no account may
   * be called so in any letter case, or a name could not be told from a command.
   */
  public static final Set<String> RESERVED_WORDS = Set.of("register", "deposit", "list", "exit");
  /** The rule in words, for messages that tell a person what a name may be. */
  public static final String RULE = "1 to " + MAX_LENGTH + " of A-Z a-z 0-9 _ . -, starting "
      + "with a letter";

  private AccountNames() {
  }

  /** Whether {@code name} may be an account name. */
  public static boolean isValid(String name) {
    return problem(name) == null;
  }

  /** Returns {@code name}, or throws IllegalArgumentException saying what is wrong with it. */
  public static String requireValid(String name) {
    return requireValid(name, IllegalArgumentException::new);
  }

  /**
   * Returns {@code name}, or throws the exception {@code failure} makes of the message saying
   * what is wrong with it, so that each module reports a bad name in its own exception type.
   */
  public static <E extends RuntimeException> String requireValid(String name,
      Function<String, E> failure) {
    String problem = problem(name);
    if (problem != null) {
      throw failure.apply(problem);
    }
    return name;
  }

  /** What is wrong with {@code name}, in one sentence, or null when nothing is. */
  public static String problem(String name) {
    if (name == null || name.isEmpty()) {
      return "an account name is required";
    }
    if (name.length() > MAX_LENGTH) {
      // Not quoted: it could be a whole line of anything.
      return "account name is " + name.length() + " characters long; the limit is " + MAX_LENGTH;
    }
    if (!isLetter(name.charAt(0))) {
      return "account name '" + shown(name) + "' must start with a letter A-Z or a-z";
    }
    for (int i = 1; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!isLetter(c) && !(c >= '0' && c <= '9') && c != '_' && c != '.' && c != '-') {
        return "account name '" + shown(name) + "' has a character other than A-Z a-z 0-9 _ . -";
      }
    }
    if (RESERVED_WORDS.contains(name.toLowerCase(Locale.ROOT))) {
      return "'" + name + "' is a protocol command word, not an account name";
    }
    return null;
  }

  private static boolean isLetter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  /**
   * {@code name} (at most {@value #MAX_LENGTH} characters here) with every character outside
   * printable ASCII written as its code, so that a message stays one readable line.
   */
  private static String shown(String name) {
    StringBuilder out = new StringBuilder(name.length());
    name.chars().forEach(c -> out.append(c >= 0x20 && c < 0x7f
        ? Character.toString(c) : String.format("\\u%04x", c)));
    return out.toString();
  }
}
