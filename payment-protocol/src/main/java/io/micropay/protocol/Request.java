package io.micropay.protocol;

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
      AccountName.requireValid(name);
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
      AccountName.requireValid(name);
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
   * The same line is the payer's request to the payee.
   *
   * @param transferId null in the older form without an id
   */
  record TransferReport(String payer, long amountUnits, String payee, String transferId)
      implements Request {
    public TransferReport {
      AccountName.requireValid(payer);
      Amounts.requireValid(amountUnits);
      AccountName.requireValid(payee);
      if (transferId != null) {
        TransferId.requireValid(transferId);
      }
    }

    @Override
    public String format() {
      return payer + "#" + amountUnits + "#" + payee
          + (transferId == null ? "" : "#" + transferId);
    }
  }

  /** {@code DEPOSIT#<name>#<amount>}. */
  record Deposit(String name, long amountUnits) implements Request {
    public Deposit {
      AccountName.requireValid(name);
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
      AccountName.requireValid(payer);
      TransferId.requireValid(transferId);
    }

    @Override
    public String format() {
      return KEYWORD + "#" + payer + "#" + transferId;
    }
  }
}
