package io.micropay.server.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.server.ledger.TransferOutcome.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Races on a real Derby: no overdraft, no deadlock, no double settlement, books balance. */
@Timeout(120)
class LedgerConcurrencyTest {
  private static final int THREADS = 16;

  private JdbcLedger ledger;
  private ExecutorService threads;

  @BeforeEach
  void open() {
    ledger = JdbcLedger.open("jdbc:derby:memory:race-" + UUID.randomUUID() + ";create=true",
        THREADS);
    threads = Executors.newFixedThreadPool(THREADS);
  }

  @AfterEach
  void close() throws InterruptedException {
    threads.shutdownNow();
    threads.awaitTermination(10, TimeUnit.SECONDS);
    ledger.close();
  }

  @Test
  void racingTransfersThatTogetherOverdrawSettleExactlyTheAffordableOnes() throws Exception {
    ledger.openAccount("alice", 10_000, 0);
    for (int i = 0; i < 8; i++) {
      ledger.openAccount("payee" + i, 0, 0);
    }
    List<Callable<Status>> transfers = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      String payee = "payee" + (i % 8);
      transfers.add(() -> ledger.transfer(new TransferCommand("alice", payee, 100,
          UUID.randomUUID().toString())).status());
    }
    List<Status> outcomes = runTogether(transfers);
    assertEquals(100, outcomes.stream().filter(Status.SETTLED::equals).count());
    assertEquals(300, outcomes.stream().filter(Status.INSUFFICIENT_FUNDS::equals).count());
    assertEquals(OptionalLong.of(0), ledger.balance("alice"));
    assertBalanced(100);
  }

  @Test
  void oppositeTransfersBetweenTwoAccountsFinishWithoutDeadlock() throws Exception {
    ledger.openAccount("alice", 1_000_000, 0);
    ledger.openAccount("bob", 1_000_000, 0);
    List<Callable<Status>> transfers = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      boolean forth = i % 2 == 0;
      transfers.add(() -> ledger.transfer(new TransferCommand(forth ? "alice" : "bob",
          forth ? "bob" : "alice", 7, null)).status());
    }
    List<Status> outcomes = runTogether(transfers);
    assertTrue(outcomes.stream().allMatch(Status.SETTLED::equals), outcomes.toString());
    assertEquals(OptionalLong.of(1_000_000), ledger.balance("alice"));
    assertBalanced(600);
  }

  @Test
  void theSameIdReportedFromManyThreadsAtOnceSettlesOnce() throws Exception {
    ledger.openAccount("alice", 10_000, 0);
    ledger.openAccount("bob", 0, 0);
    for (int round = 0; round < 20; round++) {
      String id = UUID.randomUUID().toString();
      List<Callable<Status>> reports = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        reports.add(() -> ledger.transfer(new TransferCommand("alice", "bob", 10, id)).status());
      }
      List<Status> outcomes = runTogether(reports);
      assertEquals(1, outcomes.stream().filter(Status.SETTLED::equals).count(), outcomes.toString());
      assertEquals(THREADS - 1, outcomes.stream().filter(Status.ALREADY_SETTLED::equals).count());
    }
    assertEquals(OptionalLong.of(200), ledger.balance("bob"));
    assertBalanced(20);
  }

  @Test
  void depositsAndTransfersRaceWithoutLosingAUnit() throws Exception {
    ledger.openAccount("alice", 1_000, 0);
    ledger.openAccount("bob", 1_000, 0);
    List<Callable<Status>> work = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      int kind = i % 3;
      work.add(() -> switch (kind) {
        case 0 -> ledger.deposit("alice", 5) == DepositResult.OK ? Status.SETTLED : null;
        case 1 -> ledger.transfer(new TransferCommand("alice", "bob", 3, null)).status();
        default -> ledger.transfer(new TransferCommand("bob", "alice", 2, null)).status();
      });
    }
    runTogether(work);
    AuditReport report = ledger.audit();
    assertTrue(report.balanced(), report.describe());
    assertEquals(2_000 + 100 * 5, report.totalBalanceUnits());
  }

  private <T> List<T> runTogether(List<Callable<T>> tasks) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>();
    for (Callable<T> task : tasks) {
      futures.add(threads.submit(() -> {
        start.await();
        return task.call();
      }));
    }
    start.countDown();
    List<T> results = new ArrayList<>();
    for (Future<T> future : futures) {
      results.add(future.get(60, TimeUnit.SECONDS));
    }
    return results;
  }

  private void assertBalanced(long transfers) {
    AuditReport report = ledger.audit();
    assertTrue(report.balanced(), report.describe());
    assertEquals(transfers, report.transferCount());
  }
}
