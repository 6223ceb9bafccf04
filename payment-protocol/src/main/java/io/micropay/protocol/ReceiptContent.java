package io.micropay.protocol;

import io.micropay.rules.AccountNames;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Version 2: what a receipt says, the content the server signs. Canonical: ASCII lines, each
 * {@code <key>: <value>} ended by LF, in exactly this order, with nothing else:
 * <pre>
 * micropay-receipt: 1
 * payer: alice
 * payee: bob
 * amount: 300
 * transfer-id: 0f8e2c1e-5a7b-4a43-9a4e-3c6f1b2d9e10
 * memo: lunch                      (only when the transfer has a memo)
 * journal-entry: 42
 * time: 2026-12-02T17:15:17.123Z   (ISO-8601 UTC, when the transfer was recorded)
 * </pre>
 * One content has one spelling, so anyone can read it back without our code and the signature
 * covers exactly what is shown.
 */
public record ReceiptContent(String payer, String payee, long amountUnits, String transferId,
    String memo, long journalEntry, Instant time) {
  /** The format's version, the first line's value. */
  public static final String FORMAT_VERSION = "1";
  private static final String[] KEYS = {"micropay-receipt", "payer", "payee", "amount",
      "transfer-id", "memo", "journal-entry", "time"};

  public ReceiptContent {
    AccountNames.requireValid(payer);
    AccountNames.requireValid(payee);
    Amounts.requireValid(amountUnits);
    TransferId.requireValid(transferId);
    if (memo != null) {
      Memo.requireValid(memo);
    }
    if (journalEntry < 1) {
      throw new IllegalArgumentException("a journal entry is positive, was " + journalEntry);
    }
    time = time.truncatedTo(ChronoUnit.MILLIS);
  }

  /** The canonical bytes. */
  public byte[] encode() {
    StringBuilder text = new StringBuilder();
    for (String[] line : lines()) {
      text.append(line[0]).append(": ").append(line[1]).append('\n');
    }
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private List<String[]> lines() {
    List<String[]> lines = new ArrayList<>();
    lines.add(new String[] {KEYS[0], FORMAT_VERSION});
    lines.add(new String[] {KEYS[1], payer});
    lines.add(new String[] {KEYS[2], payee});
    lines.add(new String[] {KEYS[3], Long.toString(amountUnits)});
    lines.add(new String[] {KEYS[4], transferId});
    if (memo != null) {
      lines.add(new String[] {KEYS[5], memo});
    }
    lines.add(new String[] {KEYS[6], Long.toString(journalEntry)});
    lines.add(new String[] {KEYS[7], time.toString()});
    return lines;
  }

  /**
   * Reads canonical bytes back; anything else (another order, an extra line, a CR, a value
   * that breaks the rules) is a ProtocolException.
   */
  public static ReceiptContent decode(byte[] bytes) throws ProtocolException {
    String text = new String(bytes, StandardCharsets.US_ASCII);
    if (bytes.length > 2048 || !text.endsWith("\n")) {
      throw new ProtocolException("a receipt's content is at most 2048 bytes of lines ended by LF");
    }
    String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
    boolean hasMemo = lines.length == KEYS.length;
    if (lines.length != KEYS.length && lines.length != KEYS.length - 1) {
      throw new ProtocolException("a receipt's content has " + (KEYS.length - 1) + " or "
          + KEYS.length + " lines, this one " + lines.length);
    }
    String[] values = new String[KEYS.length];
    int line = 0;
    for (int key = 0; key < KEYS.length; key++) {
      if (key == 5 && !hasMemo) {
        continue;
      }
      String prefix = KEYS[key] + ": ";
      if (!lines[line].startsWith(prefix)) {
        throw new ProtocolException("line " + (line + 1) + " of the receipt should start with '"
            + prefix + "', is '" + Printable.of(lines[line]) + "'");
      }
      values[key] = lines[line++].substring(prefix.length());
    }
    if (!FORMAT_VERSION.equals(values[0])) {
      throw new ProtocolException("receipt format " + Printable.of(values[0])
          + " is not one this code reads (" + FORMAT_VERSION + ")");
    }
    try {
      ReceiptContent content = new ReceiptContent(values[1], values[2],
          Amounts.parseOrInvalid(values[3]), values[4], values[5],
          DecimalField.parse(values[6], 18), Instant.parse(values[7]));
      if (!java.util.Arrays.equals(content.encode(), bytes)) {
        throw new ProtocolException("the receipt's content is not in its canonical form");
      }
      return content;
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new ProtocolException("the receipt's content breaks a rule: " + e.getMessage());
    }
  }
}
