package io.micropay.server.session;

import io.micropay.server.ledger.TransferCommand;
import io.micropay.server.ledger.TransferOutcome;
import java.util.concurrent.CompletionStage;

/**
 * Settles transfer reports in the ledger. The stage completes only after the transfer's
 * transaction is durable: a session replies {@code Transfer OK!} from its completion.
 */
public interface Settlement extends AutoCloseable {
  /** Settles {@code command}; the stage carries the ledger's verdict. */
  CompletionStage<TransferOutcome> settle(TransferCommand command);

  /** Finishes what was submitted, then refuses new work. */
  @Override
  void close();
}
