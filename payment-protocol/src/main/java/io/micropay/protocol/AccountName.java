package io.micropay.protocol;

import java.util.Locale;
import java.util.Set;

/**
 * The account-name rule (PROTOCOL.md section 3): 1 to 32 characters from
 * {@code A-Z a-z 0-9 _ . -}, starting with a letter; case-sensitive; the command words
 * REGISTER, DEPOSIT, List and Exit, in any letter case, are not names.
 */
public final class AccountName {
  private static final Set<String> RESERVED = Set.of("register", "deposit", "list", "exit");

  private AccountName() {
  }

  /** Whether {@code name} is a valid account name. */
  public static boolean isValid(String name) {
    return problem(name) == null;
  }

  /** Returns {@code name}, or throws IllegalArgumentException saying what is wrong with it. */
  public static String requireValid(String name) {
    String problem = problem(name);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return name;
  }

  /** What is wrong with {@code name}, or null when nothing is. */
  static String problem(String name) {
    if (name == null || name.isEmpty()) {
      return "an account name is required";
    }
    if (name.length() > Limits.MAX_NAME_LENGTH) {
      return "account name is " + name.length() + " characters long; the limit is "
          + Limits.MAX_NAME_LENGTH;
    }
    if (!isLetter(name.charAt(0))) {
      return "account name '" + Printable.of(name) + "' must start with a letter A-Z or a-z";
    }
    for (int i = 1; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!isLetter(c) && !(c >= '0' && c <= '9') && c != '_' && c != '.' && c != '-') {
        return "account name '" + Printable.of(name)
            + "' has a character other than A-Z a-z 0-9 _ . -";
      }
    }
    if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
      return "'" + name + "' is a protocol command word, not an account name";
    }
    return null;
  }

  private static boolean isLetter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }
}
