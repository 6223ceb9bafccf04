package io.micropay.protocol;

import io.micropay.rules.AccountNames;

/**
 * Version 2: the server's answer to {@code LOOKUP#<payer>#<id>}, whether that transfer settled:
 * {@code SETTLED#<payer>#<amount>#<payee>#<id>} or {@code NOT_SETTLED#<payer>#<id>}. The server
 * answers {@code SETTLED} only to the payer and the payee; anyone else learns nothing, and hears
 * {@code NOT_SETTLED}. A payee asks it to confirm a credit a payer says settled, on its own
 * session, instead of taking the payer's word.
 *
 * @param payer the payer the id belongs to (ids are scoped per payer)
 * @param transferId the id
 * @param amountUnits the amount settled; 0 when not settled
 * @param payee the payee; null when not settled
 */
public record TransferLookup(String payer, String transferId, long amountUnits, String payee) {
  private static final String SETTLED = "SETTLED";
  private static final String NOT_SETTLED = "NOT_SETTLED";

  public TransferLookup {
    AccountNames.requireValid(payer);
    TransferId.requireValid(transferId);
    if (payee != null) {
      AccountNames.requireValid(payee);
      Amounts.requireValid(amountUnits);
    } else if (amountUnits != 0) {
      throw new IllegalArgumentException("a transfer that did not settle has no amount");
    }
  }

  /** The transfer settled: {@code amountUnits} from {@code payer} to {@code payee}. */
  public static TransferLookup settled(String payer, long amountUnits, String payee,
      String transferId) {
    return new TransferLookup(payer, transferId, amountUnits, payee);
  }

  /** No such transfer settled, as far as the asker may know. */
  public static TransferLookup notSettled(String payer, String transferId) {
    return new TransferLookup(payer, transferId, 0, null);
  }

  /** Whether the transfer settled. */
  public boolean isSettled() {
    return payee != null;
  }

  /** Whether this says that exactly {@code report} settled. */
  public boolean confirms(Request.TransferReport report) {
    return isSettled() && payer.equals(report.payer()) && payee.equals(report.payee())
        && amountUnits == report.amountUnits() && transferId.equals(report.transferId());
  }

  /** The line, without terminator. */
  public String format() {
    return isSettled() ? SETTLED + "#" + payer + "#" + amountUnits + "#" + payee + "#"
        + transferId : NOT_SETTLED + "#" + payer + "#" + transferId;
  }

  /** Reads the reply to {@code LOOKUP}; anything else is a ProtocolException. */
  public static TransferLookup parse(String line) throws ProtocolException {
    String[] fields = line.split("#", -1);
    try {
      if (fields.length == 5 && fields[0].equals(SETTLED)) {
        long amount = Amounts.parseOrInvalid(fields[2]);
        if (amount > 0) {
          return settled(fields[1], amount, fields[3], fields[4]);
        }
      } else if (fields.length == 3 && fields[0].equals(NOT_SETTLED)) {
        return notSettled(fields[1], fields[2]);
      }
    } catch (IllegalArgumentException invalid) {
      // Reported below, with the whole line.
    }
    throw new ProtocolException("expected 'SETTLED#<payer>#<amount>#<payee>#<id>' or "
        + "'NOT_SETTLED#<payer>#<id>', got '" + Printable.of(line) + "'");
  }
}
