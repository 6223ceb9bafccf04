package io.micropay.protocol;

import io.micropay.rules.AccountNames;

/**
 * A valid request from a peer to the server (PROTOCOL.md section 4). Each record checks its
 * fields when made, so an invalid request cannot exist; {@link #format()} gives its exact line.
 */
public sealed interface Request {
  /** The line, without terminator. */
  String format();

  /**
   * {@code REGISTER#<name>}, or the older {@code REGISTER#<name>#<amount>} that also deposits.
   *
   * @param openingDepositUnits 0 when absent
   */
  record Register(String name, long openingDepositUnits) implements Request {
    public Register {
      AccountNames.requireValid(name);
      if (openingDepositUnits != 0) {
        Amounts.requireValid(openingDepositUnits);
      }
    }

    @Override
    public String format() {
      return "REGISTER#" + name + (openingDepositUnits == 0 ? "" : "#" + openingDepositUnits);
    }
  }

  /** {@code <name>#<port>}: log in, listening for payments on {@code port}. */
  record Login(String name, int port) implements Request {
    public Login {
      AccountNames.requireValid(name);
      if (!Ports.isValid(port)) {
        throw new IllegalArgumentException("port " + port + " is outside " + Limits.MIN_PORT
            + ".." + Limits.MAX_PORT);
      }
    }

    @Override
    public String format() {
      return name + "#" + port;
    }
  }

  /** {@code List}: the online list. */
  record ListOnline() implements Request {
    @Override
    public String format() {
      return "List";
    }
  }

  /**
   * {@code <payer>#<amount>#<payee>[#<id>]}: the payer reports a transfer the payee accepted.
   * The same line is the payer's request to the payee. Version 2 adds an optional memo as a
   * fifth field, {@code <payer>#<amount>#<payee>#<id>#<memo>}, which needs the id.
   *
   * @param transferId null in the older form without an id
   * @param memo null for none; see {@link Memo}
   */
  record TransferReport(String payer, long amountUnits, String payee, String transferId,
      String memo) implements Request {
    public TransferReport {
      AccountNames.requireValid(payer);
      Amounts.requireValid(amountUnits);
      AccountNames.requireValid(payee);
      if (transferId != null) {
        TransferId.requireValid(transferId);
      }
      if (memo != null) {
        Memo.requireValid(memo);
        if (transferId == null) {
          throw new IllegalArgumentException("a memo needs a transfer id before it");
        }
      }
    }

    /** A report without a memo, as version 1 has it. */
    public TransferReport(String payer, long amountUnits, String payee, String transferId) {
      this(payer, amountUnits, payee, transferId, null);
    }

    /** The same report without its memo: what a version-1 payee or server is sent. */
    public TransferReport withoutMemo() {
      return memo == null ? this : new TransferReport(payer, amountUnits, payee, transferId);
    }

    /** The line for a connection that speaks {@code version}: no memo on version 1. */
    public String format(ProtocolVersion version) {
      return version.atLeast(ProtocolVersion.V2) ? format() : withoutMemo().format();
    }

    @Override
    public String format() {
      return payer + "#" + amountUnits + "#" + payee
          + (transferId == null ? "" : "#" + transferId)
          + (memo == null ? "" : "#" + memo);
    }
  }

  /** {@code DEPOSIT#<name>#<amount>}. */
  record Deposit(String name, long amountUnits) implements Request {
    public Deposit {
      AccountNames.requireValid(name);
      Amounts.requireValid(amountUnits);
    }

    @Override
    public String format() {
      return "DEPOSIT#" + name + "#" + amountUnits;
    }
  }

  /** {@code Exit}: end the session. */
  record Exit() implements Request {
    @Override
    public String format() {
      return "Exit";
    }
  }

  /** Version 2: {@code PING}, the keep-alive; the server answers {@code PONG}. */
  record Ping() implements Request {
    /** The line. */
    public static final String KEYWORD = "PING";

    @Override
    public String format() {
      return KEYWORD;
    }
  }

  /** Version 2: {@code LIMITS}, the server's limits; the answer is a {@link ServerLimits}. */
  record AskLimits() implements Request {
    /** The line. */
    public static final String KEYWORD = "LIMITS";

    @Override
    public String format() {
      return KEYWORD;
    }
  }

  /**
   * Version 2: {@code LOOKUP#<payer>#<id>}, whether that transfer settled; the answer is a
   * {@link TransferLookup}. Its second field is a name (it starts with a letter) where a
   * transfer report has an amount (digits), so the two never look alike.
   */
  record Lookup(String payer, String transferId) implements Request {
    /** The line's first field. */
    public static final String KEYWORD = "LOOKUP";

    public Lookup {
      AccountNames.requireValid(payer);
      TransferId.requireValid(transferId);
    }

    @Override
    public String format() {
      return KEYWORD + "#" + payer + "#" + transferId;
    }
  }

  /**
   * Version 2: {@code STATEMENT#<limit>[#BEFORE=<entry>][#SINCE=<time>][#UNTIL=<time>]}, a page
   * of the caller's own statement, newest first; the answer is a {@link StatementPage}. The
   * options come in this order, each at most once; times are ISO-8601 instants
   * ({@code 2026-12-02T17:15:00Z}).
   *
   * @param limit 1 to {@link Limits#MAX_STATEMENT_ENTRIES} entries
   * @param beforeEntry only entries older than this journal entry (the cursor of the previous
   *     page), or 0 for the newest
   * @param since only entries at or after this time, or null
   * @param until only entries before this time, or null
   */
  record Statement(int limit, long beforeEntry, java.time.Instant since, java.time.Instant until)
      implements Request {
    /** The line's first field. */
    public static final String KEYWORD = "STATEMENT";
    static final String BEFORE = "BEFORE=";
    static final String SINCE = "SINCE=";
    static final String UNTIL = "UNTIL=";

    public Statement {
      if (limit < 1 || limit > Limits.MAX_STATEMENT_ENTRIES) {
        throw new IllegalArgumentException("a statement page holds 1 to "
            + Limits.MAX_STATEMENT_ENTRIES + " entries, not " + limit);
      }
      if (beforeEntry < 0) {
        throw new IllegalArgumentException("a cursor is a journal entry number, not "
            + beforeEntry);
      }
      if (since != null && until != null && !since.isBefore(until)) {
        throw new IllegalArgumentException("the time range ends (" + until
            + ") before it starts (" + since + ")");
      }
    }

    /** The newest {@code limit} entries. */
    public static Statement newest(int limit) {
      return new Statement(limit, 0, null, null);
    }

    /** The page after one that ended at journal entry {@code cursor}, same range and size. */
    public Statement after(long cursor) {
      return new Statement(limit, cursor, since, until);
    }

    @Override
    public String format() {
      return KEYWORD + "#" + limit
          + (beforeEntry == 0 ? "" : "#" + BEFORE + beforeEntry)
          + (since == null ? "" : "#" + SINCE + since)
          + (until == null ? "" : "#" + UNTIL + until);
    }
  }

  /**
   * Version 2: {@code RECEIPT#<payer>#<id>}, the server's signed receipt of that settled
   * transfer; the answer is a {@link ReceiptReply}. Given only to the payer and the payee.
   */
  record AskReceipt(String payer, String transferId) implements Request {
    /** The line's first field. */
    public static final String KEYWORD = "RECEIPT";

    public AskReceipt {
      AccountNames.requireValid(payer);
      TransferId.requireValid(transferId);
    }

    @Override
    public String format() {
      return KEYWORD + "#" + payer + "#" + transferId;
    }
  }
}
