package io.micropay.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.server.ledger.AuditReport;
import io.micropay.server.ledger.JdbcLedger;
import io.micropay.server.ledger.Ledgers;
import io.micropay.server.ledger.TransferCommand;
import io.micropay.server.ledger.TransferOutcome;
import io.micropay.server.ledger.TransferOutcome.Status;
import io.micropay.testing.Await;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Group commit on a real Derby: every submitted transfer gets its own outcome after its batch
 * committed, close settles what was submitted and refuses what comes after, and a failing
 * ledger fails the stages instead of leaving them waiting.
 */
@Timeout(60)
class BatchingSettlementTest {
  private static final long WAIT_SECONDS = 30;

  private JdbcLedger ledger;
  private String url;

  @BeforeEach
  void open() {
    url = Ledgers.derbyInMemoryUrl("group-" + UUID.randomUUID());
    ledger = JdbcLedger.open(url, 2);
    ledger.openAccount("alice", 10_000, 0);
    ledger.openAccount("bob", 0, 0);
  }

  @AfterEach
  void close() {
    ledger.close();
  }

  @Test
  void transfersSubmittedTogetherSettleExactlyTheAffordableOnes() throws Exception {
    BatchingSettlement settlement = new BatchingSettlement(ledger, 16);
    try {
      List<CompletableFuture<TransferOutcome>> outcomes = submit(settlement, 200);
      long settled = 0;
      for (CompletableFuture<TransferOutcome> outcome : outcomes) {
        Status status = outcome.get(WAIT_SECONDS, TimeUnit.SECONDS).status();
        assertTrue(status == Status.SETTLED || status == Status.INSUFFICIENT_FUNDS, status.name());
        settled += status == Status.SETTLED ? 1 : 0;
      }
      assertEquals(100, settled, "10,000 pays for exactly 100 transfers of 100");
    } finally {
      settlement.close();
    }
    assertBalancedWithTransfers(100);
  }

  @Test
  void transfersThatArriveWhileABatchCommitsShareTheNextCommit() throws Exception {
    List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    BatchingSettlement settlement = new BatchingSettlement(ledger, 16, batchSizes::add);
    try (Connection holder = DriverManager.getConnection(url)) {
      // Hold alice's row: the first batch waits for it inside its transaction.
      holder.setAutoCommit(false);
      try (Statement statement = holder.createStatement()) {
        statement.executeUpdate("UPDATE accounts SET balance = balance WHERE name = 'alice'");
        List<CompletableFuture<TransferOutcome>> first = submit(settlement, 1);
        Await.until("the first batch waits for the lock", Duration.ofSeconds(WAIT_SECONDS),
            () -> lockWaiters(statement) > 0);
        List<CompletableFuture<TransferOutcome>> rest = submit(settlement, 40);
        holder.commit();
        for (CompletableFuture<TransferOutcome> outcome : concat(first, rest)) {
          assertEquals(Status.SETTLED, outcome.get(WAIT_SECONDS, TimeUnit.SECONDS).status());
        }
      }
    } finally {
      settlement.close();
    }
    // One alone, then the 40 that gathered meanwhile in batches of at most 16: one commit
    // serves many transfers. Settling one at a time would give 41 batches of 1.
    assertEquals(List.of(1, 16, 16, 8), batchSizes);
    assertBalancedWithTransfers(41);
  }

  private static int lockWaiters(Statement statement) {
    try (ResultSet rows = statement.executeQuery(
        "SELECT COUNT(*) FROM SYSCS_DIAG.LOCK_TABLE WHERE STATE = 'WAIT'")) {
      rows.next();
      return rows.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> List<T> concat(List<T> first, List<T> second) {
    List<T> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  @Test
  void closeSettlesWhatWasSubmittedAndRefusesWhatComesAfter() throws Exception {
    BatchingSettlement settlement = new BatchingSettlement(ledger, 16);
    List<CompletableFuture<TransferOutcome>> submitted = submit(settlement, 50);
    settlement.close();
    for (CompletableFuture<TransferOutcome> outcome : submitted) {
      assertTrue(outcome.isDone(), "close returns only after the submitted transfers settled");
      assertEquals(Status.SETTLED, outcome.get().status());
    }
    CompletableFuture<TransferOutcome> late = settlement.settle(
        new TransferCommand("alice", "bob", 1, null)).toCompletableFuture();
    ExecutionException refused = assertThrows(ExecutionException.class,
        () -> late.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertInstanceOf(RejectedExecutionException.class, refused.getCause());
    assertBalancedWithTransfers(50);
  }

  @Test
  void aBatchTheLedgerCannotCommitFailsItsStagesInsteadOfLeavingThemWaiting() {
    BatchingSettlement settlement = new BatchingSettlement(ledger, 16);
    try {
      ledger.close();
      CompletableFuture<TransferOutcome> outcome = settlement.settle(
          new TransferCommand("alice", "bob", 1, null)).toCompletableFuture();
      assertThrows(ExecutionException.class, () -> outcome.get(WAIT_SECONDS, TimeUnit.SECONDS));
    } finally {
      settlement.close();
    }
  }

  private static List<CompletableFuture<TransferOutcome>> submit(BatchingSettlement settlement,
      int count) {
    List<CompletableFuture<TransferOutcome>> outcomes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      outcomes.add(settlement.settle(new TransferCommand("alice", "bob", 100,
          "group-" + UUID.randomUUID())).toCompletableFuture());
    }
    return outcomes;
  }

  private void assertBalancedWithTransfers(long transfers) {
    AuditReport report = ledger.audit();
    assertTrue(report.balanced(), report.describe());
    assertEquals(transfers, report.transferCount(), report.describe());
  }
}
