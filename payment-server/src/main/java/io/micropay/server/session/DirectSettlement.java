package io.micropay.server.session;

import io.micropay.server.ledger.Ledger;
import io.micropay.server.ledger.TransferCommand;
import io.micropay.server.ledger.TransferOutcome;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** One database transaction per transfer, on the calling thread. */
public final class DirectSettlement implements Settlement {
  private final Ledger ledger;

  public DirectSettlement(Ledger ledger) {
    this.ledger = ledger;
  }

  @Override
  public CompletionStage<TransferOutcome> settle(TransferCommand command) {
    return CompletableFuture.completedFuture(ledger.transfer(command));
  }

  @Override
  public void close() {
    // Nothing is queued: every settle call has finished when it returned.
  }
}
