package io.micropay.system.hostile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a version-1 server must answer, by the documents alone: PROTOCOL.md sections 2 to 4 and
 * docs/protocol.md ("Framing", "Values", the request table and "Decided here"). It is written
 * from those pages and uses no micropay code on purpose, so that the fuzz tests prove the codec
 * and the server equal the specification, not each other. Where the product's rule changes, the
 * documents change, and then this does.
 */
final class SpecOracle {
  static final String FORMAT_ERROR = "230 Input format error";
  static final String FAIL = "210 FAIL";
  static final String AUTH_FAIL = "220 AUTH_FAIL";
  static final String DEPOSIT_FAIL = "DEPOSIT FAIL";
  static final String NOT_LOGGED_IN = "Transfer Fail! NOT_LOGGED_IN";

  /** 1023 bytes of text before a LF: 1024 bytes with the terminator. */
  private static final int MAX_TEXT_BYTES = 1023;
  /** Account name: 1 to 32 of A-Z a-z 0-9 _ . -, first a letter. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.\\-]{0,31}");
  /** Not names, in any letter case. */
  private static final Set<String> COMMAND_WORDS = Set.of("REGISTER", "DEPOSIT", "LIST", "EXIT");
  /** Amount: digits, no sign, no leading zero (its value is checked apart). */
  private static final Pattern AMOUNT = Pattern.compile("[1-9][0-9]{0,9}");
  private static final long MAX_AMOUNT = 1_000_000_000L;
  /** Port: digits, no leading zero, 1024 to 65535. */
  private static final Pattern PORT = Pattern.compile("[1-9][0-9]{3,4}");
  /** Transfer id: 8 to 64 of A-Z a-z 0-9 -. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-]{8,64}");

  private SpecOracle() {
  }

  /** What a request line is, by the documents. */
  enum Kind {
    /** Not a request: answered {@link Verdict#reply()} and changes nothing. */
    MALFORMED,
    REGISTER,
    DEPOSIT,
    LIST,
    EXIT,
    LOGIN,
    TRANSFER
  }

  /**
   * The verdict on one line.
   *
   * @param kind what the line is
   * @param reply for a malformed line its reply, else null
   * @param name the account the request names (the payer of a transfer), else null
   */
  record Verdict(Kind kind, String reply, String name) {
    boolean isMalformed() {
      return kind == Kind.MALFORMED;
    }
  }

  /** The verdict on {@code text}, one request line without its terminator. */
  static Verdict judge(String text) {
    if (text.length() > MAX_TEXT_BYTES || text.isEmpty() || !printableAscii(text)) {
      return malformed(FORMAT_ERROR);
    }
    // split(regex, -1) keeps empty fields, which are malformed wherever they are.
    String[] fields = text.split("#", -1);
    for (String field : fields) {
      if (field.isEmpty()) {
        return malformed(FORMAT_ERROR);
      }
    }
    // Decided here: REGISTER# and DEPOSIT# with the right number of fields are recognisable,
    // so a bad name or amount gets their own failure; every other malformed line gets 230.
    if (fields[0].equals("REGISTER")) {
      if (fields.length != 2 && fields.length != 3) {
        return malformed(FORMAT_ERROR);
      }
      boolean valid = isName(fields[1]) && (fields.length == 2 || isAmount(fields[2]));
      return valid ? new Verdict(Kind.REGISTER, null, fields[1]) : malformed(FAIL);
    }
    if (fields[0].equals("DEPOSIT")) {
      if (fields.length != 3) {
        return malformed(FORMAT_ERROR);
      }
      boolean valid = isName(fields[1]) && isAmount(fields[2]);
      return valid ? new Verdict(Kind.DEPOSIT, null, fields[1]) : malformed(DEPOSIT_FAIL);
    }
    return switch (fields.length) {
      // Decided here: List and Exit only exactly so written.
      case 1 -> fields[0].equals("List") ? new Verdict(Kind.LIST, null, null)
          : fields[0].equals("Exit") ? new Verdict(Kind.EXIT, null, null)
          : malformed(FORMAT_ERROR);
      case 2 -> isName(fields[0]) && isPort(fields[1])
          ? new Verdict(Kind.LOGIN, null, fields[0]) : malformed(FORMAT_ERROR);
      case 3, 4 -> isName(fields[0]) && isAmount(fields[1]) && isName(fields[2])
          && (fields.length == 3 || ID.matcher(fields[3]).matches())
          ? new Verdict(Kind.TRANSFER, null, fields[0]) : malformed(FORMAT_ERROR);
      default -> malformed(FORMAT_ERROR);
    };
  }

  /**
   * The replies a version-1 server owes, in order, for {@code bytes} arriving on a connection
   * whose certificate CN is {@code commonName}, an account that is neither registered nor logged
   * in; null when a line in them would change that (registering it, or Exit). The bytes are cut
   * into lines at each LF, dropping a CR right before it (PROTOCOL.md section 2); bytes after
   * the last LF are not a line yet.
   */
  static List<String> repliesToStranger(String bytes, String commonName) {
    List<String> replies = new ArrayList<>();
    int start = 0;
    for (int end = bytes.indexOf('\n'); end >= 0; end = bytes.indexOf('\n', start)) {
      int textEnd = end > start && bytes.charAt(end - 1) == '\r' ? end - 1 : end;
      String reply = replyToStranger(judge(bytes.substring(start, textEnd)), commonName);
      if (reply == null) {
        return null;
      }
      replies.add(reply);
      start = end + 1;
    }
    return replies;
  }

  private static String replyToStranger(Verdict verdict, String commonName) {
    return switch (verdict.kind()) {
      case MALFORMED -> verdict.reply();
      // Another name than the CN is refused; the CN itself would open the account.
      case REGISTER -> verdict.name().equals(commonName) ? null : FAIL;
      // Another name than the CN, or the CN not registered: refused either way.
      case DEPOSIT -> DEPOSIT_FAIL;
      case LIST, LOGIN -> AUTH_FAIL;
      case TRANSFER -> NOT_LOGGED_IN;
      case EXIT -> null;
    };
  }

  private static Verdict malformed(String reply) {
    return new Verdict(Kind.MALFORMED, reply, null);
  }

  private static boolean printableAscii(String text) {
    return text.chars().allMatch(c -> c >= 0x20 && c <= 0x7e);
  }

  private static boolean isName(String text) {
    return NAME.matcher(text).matches()
        && !COMMAND_WORDS.contains(text.toUpperCase(Locale.ROOT));
  }

  private static boolean isAmount(String text) {
    return AMOUNT.matcher(text).matches() && Long.parseLong(text) <= MAX_AMOUNT;
  }

  private static boolean isPort(String text) {
    if (!PORT.matcher(text).matches()) {
      return false;
    }
    int port = Integer.parseInt(text);
    return port >= 1024 && port <= 65_535;
  }
}
