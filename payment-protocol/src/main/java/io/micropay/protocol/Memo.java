package io.micropay.protocol;

/**
 * Version 2: the note a payer may put on a transfer. One rule for both sides: 1 to
 * {@value Limits#MAX_MEMO_LENGTH} printable ASCII characters (space to {@code ~}) without
 * {@code #}, which separates fields. A memo of spaces only says nothing and is refused, so that a
 * memo shown to a person always shows something.
 */
public final class Memo {
  private Memo() {
  }

  /** Why {@code memo} is not a valid memo, or null when it is. */
  public static String problem(String memo) {
    if (memo == null || memo.isEmpty()) {
      return "a memo has at least one character";
    }
    if (memo.length() > Limits.MAX_MEMO_LENGTH) {
      return "a memo has at most " + Limits.MAX_MEMO_LENGTH + " characters, this one "
          + memo.length();
    }
    for (int i = 0; i < memo.length(); i++) {
      char c = memo.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return "a memo is printable ASCII only (character " + (i + 1) + " is not)";
      }
      if (c == '#') {
        return "a memo may not contain '#' (character " + (i + 1) + ")";
      }
    }
    if (memo.isBlank()) {
      return "a memo of spaces only says nothing";
    }
    return null;
  }

  /** Whether {@code memo} is a valid memo. */
  public static boolean isValid(String memo) {
    return problem(memo) == null;
  }

  /**
   * Checks a memo.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static String requireValid(String memo) {
    String problem = problem(memo);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return memo;
  }
}
