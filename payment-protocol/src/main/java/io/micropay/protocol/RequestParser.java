package io.micropay.protocol;

import io.micropay.rules.AccountNames;

/**
 * Turns a request line (terminator already removed) into a {@link Request} or a rejection. Never
 * throws, whatever the input. The rules, in order:
 * <ol>
 *   <li>A line longer than the limit, or with a control character, NUL or non-ASCII byte, or an
 *       empty {@code #}-separated field, is {@code 230 Input format error}.</li>
 *   <li>{@code REGISTER#<name>} and {@code REGISTER#<name>#<amount>}: a bad name or amount is
 *       {@code 210 FAIL} (it is recognisably a registration); another shape is 230.</li>
 *   <li>{@code DEPOSIT#<name>#<amount>}: a bad name or amount is {@code DEPOSIT FAIL}; another
 *       shape is 230.</li>
 *   <li>{@code List} and {@code Exit}, exactly so written.</li>
 *   <li>Two fields are a login, three a transfer report, four a transfer report with an id; any
 *       invalid field makes it 230, since it cannot be told apart from noise.</li>
 * </ol>
 * Version 2 adds {@code PING}, {@code LIMITS}, {@code LOOKUP#<payer>#<id>},
 * {@code RECEIPT#<payer>#<id>}, {@code STATEMENT#<limit>[#<option>...]} and a memo as the fifth
 * field of a transfer report; on a version-1 connection they are what they always were, 230
 * (see {@link Request.Lookup} for why the lookup cannot be mistaken for a transfer report; a
 * statement's limit, at most 1000, is never a valid login port).
 */
public final class RequestParser {
  private static final String REGISTER = "REGISTER";
  private static final String DEPOSIT = "DEPOSIT";
  /** The longest line content: the limit less the shortest terminator (LF). */
  private static final int MAX_CONTENT_CHARS = Limits.MAX_LINE_BYTES - 1;
  /** More fields than any request has; splitting stops there. */
  private static final int MAX_FIELDS = 5;

  private RequestParser() {
  }

  /** Parses a line from a peer to the server on a version-1 connection. */
  public static ParsedRequest parse(String line) {
    return parse(line, ProtocolVersion.V1);
  }

  /** Parses a line from a peer to the server on a connection that speaks {@code version}. */
  public static ParsedRequest parse(String line, ProtocolVersion version) {
    String problem = framingProblem(line);
    if (problem != null) {
      return formatError(problem);
    }
    String[] fields = line.split("#", MAX_FIELDS);
    if (fields[0].equals(REGISTER)) {
      return register(fields);
    }
    if (fields[0].equals(DEPOSIT)) {
      return deposit(fields);
    }
    if (version.atLeast(ProtocolVersion.V2)) {
      ParsedRequest added = version2(fields);
      if (added != null) {
        return added;
      }
    }
    return switch (fields.length) {
      case 1 -> command(fields[0]);
      case 2 -> login(fields);
      case 3, 4 -> transfer(fields);
      case 5 -> version.atLeast(ProtocolVersion.V2) ? transfer(fields)
          : formatError("too many fields");
      default -> formatError("too many fields");
    };
  }

  /**
   * Parses a payer's request to a payee, {@code <payer>#<amount>#<payee>[#<id>]}: the only line a
   * peer listener accepts. A rejection's reason says what is wrong; the payee answers
   * {@code DECLINE BAD_REQUEST}.
   */
  public static ParsedRequest parsePaymentRequest(String line) {
    return parsePaymentRequest(line, ProtocolVersion.V1);
  }

  /**
   * Parses a payer's request to a payee on a connection that speaks {@code version}: version 2
   * adds the memo, {@code <payer>#<amount>#<payee>#<id>#<memo>}.
   */
  public static ParsedRequest parsePaymentRequest(String line, ProtocolVersion version) {
    String problem = framingProblem(line);
    if (problem != null) {
      return formatError(problem);
    }
    String[] fields = line.split("#", MAX_FIELDS);
    boolean memo = fields.length == 5 && version.atLeast(ProtocolVersion.V2);
    if (fields.length != 3 && fields.length != 4 && !memo) {
      return formatError(version.atLeast(ProtocolVersion.V2)
          ? "a payment request is <payer>#<amount>#<payee>[#<id>[#<memo>]]"
          : "a payment request is <payer>#<amount>#<payee>[#<id>]");
    }
    return transfer(fields);
  }

  private static String framingProblem(String line) {
    if (line.length() > MAX_CONTENT_CHARS) {
      return "line longer than " + Limits.MAX_LINE_BYTES + " bytes";
    }
    if (line.isEmpty()) {
      return "empty line";
    }
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == 0) {
        return "NUL byte at " + i;
      }
      if (c < 0x20 || c == 0x7f) {
        return "control character at " + i;
      }
      if (c > 0x7f) {
        return "non-ASCII byte at " + i;
      }
    }
    if (line.startsWith("#") || line.endsWith("#") || line.contains("##")) {
      return "empty field";
    }
    return null;
  }

  private static ParsedRequest register(String[] fields) {
    if (fields.length != 2 && fields.length != 3) {
      return formatError("REGISTER takes a name and optionally an amount");
    }
    String problem = AccountNames.problem(fields[1]);
    if (problem != null) {
      return ParsedRequest.rejected(Reply.FAIL, problem);
    }
    long deposit = 0;
    if (fields.length == 3) {
      deposit = Amounts.parseOrInvalid(fields[2]);
      if (deposit < 0) {
        return ParsedRequest.rejected(Reply.FAIL, "invalid opening deposit amount");
      }
    }
    return ParsedRequest.valid(new Request.Register(fields[1], deposit));
  }

  private static ParsedRequest deposit(String[] fields) {
    if (fields.length != 3) {
      return formatError("DEPOSIT takes a name and an amount");
    }
    String problem = AccountNames.problem(fields[1]);
    if (problem != null) {
      return ParsedRequest.rejected(Reply.DEPOSIT_FAIL, problem);
    }
    long amount = Amounts.parseOrInvalid(fields[2]);
    if (amount < 0) {
      return ParsedRequest.rejected(Reply.DEPOSIT_FAIL, "invalid deposit amount");
    }
    return ParsedRequest.valid(new Request.Deposit(fields[1], amount));
  }

  private static ParsedRequest command(String word) {
    if (word.equals("List")) {
      return ParsedRequest.valid(new Request.ListOnline());
    }
    if (word.equals("Exit")) {
      return ParsedRequest.valid(new Request.Exit());
    }
    return formatError("unknown command");
  }

  /** A version-2 request, or null when the line is none (and is parsed as in version 1). */
  private static ParsedRequest version2(String[] fields) {
    if (fields.length == 1 && fields[0].equals(Request.Ping.KEYWORD)) {
      return ParsedRequest.valid(new Request.Ping());
    }
    if (fields.length == 1 && fields[0].equals(Request.AskLimits.KEYWORD)) {
      return ParsedRequest.valid(new Request.AskLimits());
    }
    if (fields[0].equals(Request.Statement.KEYWORD) && StatementOptions.isStatement(fields)) {
      return StatementOptions.parse(fields);
    }
    boolean payerAndId = fields.length == 3 && !Character.isDigit(fields[1].charAt(0));
    boolean lookup = payerAndId && fields[0].equals(Request.Lookup.KEYWORD);
    boolean receipt = payerAndId && fields[0].equals(Request.AskReceipt.KEYWORD);
    if (!lookup && !receipt) {
      return null;
    }
    String what = lookup ? "lookup" : "receipt";
    if (!AccountNames.isValid(fields[1])) {
      return formatError(what + ": invalid payer name");
    }
    if (!TransferId.isValid(fields[2])) {
      return formatError(what + ": id must be " + Limits.MIN_TRANSFER_ID_LENGTH + ".."
          + Limits.MAX_TRANSFER_ID_LENGTH + " characters of A-Z a-z 0-9 -");
    }
    return ParsedRequest.valid(lookup ? new Request.Lookup(fields[1], fields[2])
        : new Request.AskReceipt(fields[1], fields[2]));
  }

  private static ParsedRequest login(String[] fields) {
    if (!AccountNames.isValid(fields[0])) {
      return formatError("login: invalid account name");
    }
    int port = Ports.parseOrInvalid(fields[1]);
    if (port < 0) {
      return formatError("login: port must be " + Limits.MIN_PORT + ".." + Limits.MAX_PORT);
    }
    return ParsedRequest.valid(new Request.Login(fields[0], port));
  }

  private static ParsedRequest transfer(String[] fields) {
    if (!AccountNames.isValid(fields[0])) {
      return formatError("transfer: invalid payer name");
    }
    long amount = Amounts.parseOrInvalid(fields[1]);
    if (amount < 0) {
      return formatError("transfer: amount must be " + Limits.MIN_AMOUNT + ".."
          + Limits.MAX_AMOUNT + " without sign or leading zero");
    }
    if (!AccountNames.isValid(fields[2])) {
      return formatError("transfer: invalid payee name");
    }
    String id = fields.length >= 4 ? fields[3] : null;
    if (id != null && !TransferId.isValid(id)) {
      return formatError("transfer: id must be " + Limits.MIN_TRANSFER_ID_LENGTH + ".."
          + Limits.MAX_TRANSFER_ID_LENGTH + " characters of A-Z a-z 0-9 -");
    }
    String memo = fields.length == 5 ? fields[4] : null;
    String memoProblem = memo == null ? null : Memo.problem(memo);
    if (memoProblem != null) {
      return formatError("transfer: " + memoProblem);
    }
    return ParsedRequest.valid(new Request.TransferReport(fields[0], amount, fields[2], id,
        memo));
  }

  static ParsedRequest formatError(String reason) {
    return ParsedRequest.rejected(Reply.FORMAT_ERROR, reason);
  }
}
