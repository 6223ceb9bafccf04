package io.micropay.server.session;

import io.micropay.server.ledger.Ledger;
import io.micropay.server.ledger.TransferCommand;
import io.micropay.server.ledger.TransferOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
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
  /** How often an idle committer looks whether settlement was closed. */
  private static final long POLL_MILLIS = 100;

  private record Pending(TransferCommand command, CompletableFuture<TransferOutcome> outcome) {
  }

  private final Ledger ledger;
  private final int maxBatch;
  private final IntConsumer batchSizes;
  private final BlockingQueue<Pending> waiting = new ArrayBlockingQueue<>(MAX_WAITING);
  private final Thread committer;
  private volatile boolean open = true;

  public BatchingSettlement(Ledger ledger) {
    this(ledger, size -> { });
  }

  /** As above, telling {@code batchSizes} the size of each batch settled. */
  public BatchingSettlement(Ledger ledger, IntConsumer batchSizes) {
    this(ledger, Ledger.MAX_BATCH_COMMANDS, batchSizes);
  }

  BatchingSettlement(Ledger ledger, int maxBatch) {
    this(ledger, maxBatch, size -> { });
  }

  BatchingSettlement(Ledger ledger, int maxBatch, IntConsumer batchSizes) {
    this.ledger = ledger;
    this.maxBatch = maxBatch;
    this.batchSizes = batchSizes;
    this.committer = new Thread(this::commitLoop, "group-commit");
    committer.setDaemon(true);
    committer.start();
  }

  @Override
  public CompletionStage<TransferOutcome> settle(TransferCommand command) {
    CompletableFuture<TransferOutcome> outcome = new CompletableFuture<>();
    Pending pending = new Pending(command, outcome);
    if (!open) {
      outcome.completeExceptionally(closed());
    } else if (!waiting.offer(pending)) {
      outcome.completeExceptionally(new RejectedExecutionException(
          "settlement overloaded: " + MAX_WAITING + " transfers waiting"));
    } else if (!open && waiting.remove(pending)) {
      // close() began between the check and the offer, and the committer may be gone.
      outcome.completeExceptionally(closed());
    }
    return outcome;
  }

  /**
   * Settles what was submitted, then stops; later submissions are refused. The committer is not
   * interrupted: an interrupt inside JDBC can make Derby abandon its connection mid-commit. It
   * sees the flag within one poll.
   */
  @Override
  public void close() {
    open = false;
    try {
      committer.join(CLOSE_WAIT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Pending left = waiting.poll(); left != null; left = waiting.poll()) {
      left.outcome().completeExceptionally(closed());
    }
  }

  private static RejectedExecutionException closed() {
    return new RejectedExecutionException("settlement closed");
  }

  private void commitLoop() {
    List<Pending> batch = new ArrayList<>(maxBatch);
    while (open || !waiting.isEmpty()) {
      try {
        Pending first = waiting.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        waiting.drainTo(batch, maxBatch - 1);
        settle(batch);
      } catch (InterruptedException e) {
        LOG.warn("the group-commit thread was interrupted; it stops when settlement closes");
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
    batchSizes.accept(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).outcome().complete(outcomes.get(i));
    }
  }
}
