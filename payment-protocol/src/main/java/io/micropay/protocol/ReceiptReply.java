package io.micropay.protocol;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Version 2: the answer to {@code RECEIPT#<payer>#<id>}: {@code RECEIPT#<lines>} followed by
 * that many lines of Base64 (64 characters each, the last one shorter), the DER of a CMS
 * SignedData; or {@code NO_RECEIPT#<payer>#<id>} when no such transfer settled, as far as the
 * asker may know (only its payer and payee get a receipt).
 *
 * @param payer the payer the id belongs to
 * @param transferId the id
 * @param der the CMS SignedData, or null for {@code NO_RECEIPT}
 */
public record ReceiptReply(String payer, String transferId, byte[] der) {
  private static final String NO_RECEIPT = "NO_RECEIPT";
  private static final int CHARS_PER_LINE = 64;

  public ReceiptReply {
    if (der != null && der.length == 0) {
      throw new IllegalArgumentException("a receipt has content");
    }
  }

  /** Whether a receipt came. */
  public boolean isIssued() {
    return der != null;
  }

  /** The lines, without terminators. */
  public List<String> formatLines() {
    if (der == null) {
      return List.of(NO_RECEIPT + "#" + payer + "#" + transferId);
    }
    List<String> lines = base64Lines(der);
    if (lines.size() > Limits.MAX_RECEIPT_LINES) {
      throw new IllegalStateException("a receipt of " + der.length + " bytes is over the limit"
          + " of " + Limits.MAX_RECEIPT_LINES + " lines");
    }
    lines.add(0, Request.AskReceipt.KEYWORD + "#" + (lines.size()));
    return lines;
  }

  /** {@code der} in Base64, {@value #CHARS_PER_LINE} characters a line (as PEM has it). */
  public static List<String> base64Lines(byte[] der) {
    String text = Base64.getEncoder().encodeToString(der);
    List<String> lines = new ArrayList<>();
    for (int from = 0; from < text.length(); from += CHARS_PER_LINE) {
      lines.add(text.substring(from, Math.min(text.length(), from + CHARS_PER_LINE)));
    }
    return lines;
  }

  /** Reads the answer to {@code request} from {@code reader}. */
  public static ReceiptReply read(LineSource reader, Request.AskReceipt request)
      throws IOException {
    String header = reader.readLine();
    if (header == null) {
      throw new ProtocolException("the connection ended before the receipt");
    }
    if (header.equals(NO_RECEIPT + "#" + request.payer() + "#" + request.transferId())) {
      return new ReceiptReply(request.payer(), request.transferId(), null);
    }
    String[] fields = header.split("#", -1);
    long count = fields.length == 2 && fields[0].equals(Request.AskReceipt.KEYWORD)
        ? DecimalField.parse(fields[1], 4) : -1;
    if (count < 1 || count > Limits.MAX_RECEIPT_LINES) {
      throw new ProtocolException("expected 'RECEIPT#<lines>' (1 to " + Limits.MAX_RECEIPT_LINES
          + ") or 'NO_RECEIPT#" + request.payer() + "#" + request.transferId() + "', got '"
          + Printable.of(header) + "'");
    }
    StringBuilder base64 = new StringBuilder();
    for (int i = 0; i < count; i++) {
      String line = reader.readLine();
      if (line == null || line.length() > CHARS_PER_LINE) {
        throw new ProtocolException("receipt line " + (i + 1) + " of " + count
            + (line == null ? " is missing" : " is longer than " + CHARS_PER_LINE));
      }
      base64.append(line);
    }
    try {
      return new ReceiptReply(request.payer(), request.transferId(),
          Base64.getDecoder().decode(base64.toString()));
    } catch (IllegalArgumentException e) {
      throw new ProtocolException("the receipt is not Base64: " + e.getMessage());
    }
  }
}
