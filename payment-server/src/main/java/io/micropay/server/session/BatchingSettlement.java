package io.micropay.server.session;

import io.micropay.server.ledger.Ledger;
import io.micropay.server.ledger.TransferCommand;
import io.micropay.server.ledger.TransferOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: one thread takes every transfer waiting and settles them in one database
 * transaction, so one durable commit (one log flush) serves many transfers. It never waits to
 * fill a batch: while a batch commits, the next one gathers by itself, so under light load each
 * transfer commits alone and under heavy load batches grow up to {@link Ledger#MAX_BATCH_COMMANDS}.
 * Each transfer's stage completes only after its batch committed; exactly-once and no-overdraft
 * hold per transfer (see {@link Ledger#transferBatch}), and one bad transfer never fails its
 * batch-mates.
 */
public final class BatchingSettlement implements Settlement {
  private static final Logger LOG = LoggerFactory.getLogger(BatchingSettlement.class);
  /** Transfers waiting at most; past it, a report is refused as overload. */
  public static final int MAX_WAITING = 64 * 1024;
  /** How long close waits for the transfers already submitted. */
  private static final long CLOSE_WAIT_MILLIS = 10_000;

  private record Pending(TransferCommand command, CompletableFuture<TransferOutcome> outcome) {
  }

  private final Ledger ledger;
  private final int maxBatch;
  private final BlockingQueue<Pending> waiting = new ArrayBlockingQueue<>(MAX_WAITING);
  private final Thread committer;
  private volatile boolean open = true;

  public BatchingSettlement(Ledger ledger) {
    this(ledger, Ledger.MAX_BATCH_COMMANDS);
  }

  BatchingSettlement(Ledger ledger, int maxBatch) {
    this.ledger = ledger;
    this.maxBatch = maxBatch;
    this.committer = new Thread(this::commitLoop, "group-commit");
    committer.setDaemon(true);
    committer.start();
  }

  @Override
  public CompletionStage<TransferOutcome> settle(TransferCommand command) {
    CompletableFuture<TransferOutcome> outcome = new CompletableFuture<>();
    if (!open || !waiting.offer(new Pending(command, outcome))) {
      outcome.completeExceptionally(new RejectedExecutionException(open
          ? "settlement overloaded: " + MAX_WAITING + " transfers waiting"
          : "settlement closed"));
    }
    return outcome;
  }

  /** Settles what was submitted, then stops; later submissions are refused. */
  @Override
  public void close() {
    open = false;
    committer.interrupt();
    try {
      committer.join(CLOSE_WAIT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void commitLoop() {
    List<Pending> batch = new ArrayList<>(maxBatch);
    while (open || !waiting.isEmpty()) {
      try {
        Pending first = waiting.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        waiting.drainTo(batch, maxBatch - 1);
        settle(batch);
      } catch (InterruptedException e) {
        // close(): drain what is left, then stop.
        waiting.drainTo(batch, maxBatch);
        settle(batch);
      } finally {
        batch.clear();
      }
    }
  }

  private void settle(List<Pending> batch) {
    if (batch.isEmpty()) {
      return;
    }
    List<TransferCommand> commands = new ArrayList<>(batch.size());
    for (Pending pending : batch) {
      commands.add(pending.command());
    }
    List<TransferOutcome> outcomes;
    try {
      outcomes = ledger.transferBatch(commands);
    } catch (RuntimeException e) {
      LOG.error("a batch of {} transfers failed; none was settled", batch.size(), e);
      for (Pending pending : batch) {
        pending.outcome().completeExceptionally(e);
      }
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).outcome().complete(outcomes.get(i));
    }
  }
}
