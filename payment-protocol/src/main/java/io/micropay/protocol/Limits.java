package io.micropay.protocol;

import io.micropay.rules.AccountNames;

/**
 * The hard limits of the wire protocol (PROTOCOL.md sections 2 and 3). The codec enforces every
 * one of them before any business code sees a message. The account-name rule and its length are
 * in {@link AccountNames}, because the CA must apply the same rule.
 */
public final class Limits {
  /** The longest request line, in bytes, including its LF or CRLF terminator. */
  public static final int MAX_LINE_BYTES = 1024;
  /** The smallest amount of a transfer or deposit, in units. */
  public static final long MIN_AMOUNT = 1;
  /** The largest amount of a transfer or deposit, in units. */
  public static final long MAX_AMOUNT = 1_000_000_000L;
  /** The largest balance an account may hold, in units. */
  public static final long MAX_BALANCE = 1_000_000_000_000_000L;
  /** The lowest listening port a peer may announce. */
  public static final int MIN_PORT = 1024;
  /** The highest port. */
  public static final int MAX_PORT = 65_535;
  /** The server's port when none is given, on both sides. */
  public static final int DEFAULT_SERVER_PORT = 8700;
  /** The shortest transfer id, in characters. */
  public static final int MIN_TRANSFER_ID_LENGTH = 8;
  /** The longest transfer id, in characters (a UUID has 36). */
  public static final int MAX_TRANSFER_ID_LENGTH = 64;
  /** The longest memo on a transfer, in characters (version 2). */
  public static final int MAX_MEMO_LENGTH = 140;
  /** The most entries one statement page holds (version 2). */
  public static final int MAX_STATEMENT_ENTRIES = 1_000;
  /**
   * The most Base64 lines of one receipt (version 2): 64 characters each, so 64 KiB of CMS,
   * far more than a receipt with an RSA-4096 server certificate needs (about 3 KiB).
   */
  public static final int MAX_RECEIPT_LINES = 1_024;
  /** How many entries a client accepts in one online list. */
  public static final int DEFAULT_MAX_ONLINE_ENTRIES = 100_000;
  /**
   * The longest reply line a client reads, in bytes. Replies are the server's, so this is only a
   * guard against a broken or hostile server; the public-key line of an RSA-4096 server is about
   * 740 characters.
   */
  public static final int MAX_REPLY_LINE_BYTES = 8192;

  private Limits() {
  }
}
