package io.micropay.protocol;

import java.util.Optional;

/**
 * The server's verdict on a transfer report: {@code Transfer OK!} or
 * {@code Transfer Fail! <REASON>}. The payer reads it from the server and relays it to the payee,
 * who reads it too.
 *
 * @param failure empty when the transfer settled
 */
public record TransferResult(Optional<TransferFailure> failure) {
  private static final String FAIL_PREFIX = "Transfer Fail! ";

  /** The transfer settled. */
  public static TransferResult ok() {
    return new TransferResult(Optional.empty());
  }

  /** The transfer was refused for {@code reason}. */
  public static TransferResult failed(TransferFailure reason) {
    return new TransferResult(Optional.of(reason));
  }

  /** Whether the transfer settled. */
  public boolean isOk() {
    return failure.isEmpty();
  }

  /** The reply line, without terminator. */
  public String format() {
    return failure.map(reason -> FAIL_PREFIX + reason.name()).orElse(Reply.TRANSFER_OK.wire());
  }

  /** Reads a reply line; anything else is a ProtocolException naming what came. */
  public static TransferResult parse(String line) throws ProtocolException {
    if (line.equals(Reply.TRANSFER_OK.wire())) {
      return ok();
    }
    if (line.startsWith(FAIL_PREFIX)) {
      String reason = line.substring(FAIL_PREFIX.length());
      for (TransferFailure failure : TransferFailure.values()) {
        if (failure.name().equals(reason)) {
          return failed(failure);
        }
      }
    }
    throw new ProtocolException("expected 'Transfer OK!' or 'Transfer Fail! <REASON>', got '"
        + Printable.of(line) + "'");
  }
}
