package io.micropay.server.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.server.ledger.TransferOutcome.Status;
import io.micropay.testing.Concurrently;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Races on a real Derby: no overdraft, no deadlock, no double settlement, and the books balance.
 * Every test starts its work behind one latch so that the threads really collide; the timeouts
 * turn a deadlock into a failure instead of a hung build (Derby's own deadlock detection would
 * otherwise surface as a LedgerException after 20 seconds).
 */
@Timeout(120)
class LedgerConcurrencyTest {
  /** The database every test here runs on; PostgresLedgerConcurrencyTest runs them all on PostgreSQL. */
  Dialect dialect() {
    return Dialect.DERBY;
  }

  String freshUrl(String prefix) {
    return TestLedgers.freshUrl(dialect(), prefix);
  }
  private static final int THREADS = 16;
  private static final long WAIT_SECONDS = 60;

  private JdbcLedger ledger;

  @BeforeEach
  void open() {
    ledger = JdbcLedger.open(freshUrl("race"), THREADS);
  }

  @AfterEach
  void close() {
    ledger.close();
  }

  @Test
  void accountsOpenedFromManyThreadsOnAFreshLedgerAllOpen() throws Exception {
    // The first journal rows of a fresh database race for Derby's identity generator; a
    // transaction that loses is rolled back (40XL1) and must be run again, not reported.
    List<Callable<List<OpenAccountResult>>> openers = new ArrayList<>();
    for (int thread = 0; thread < 64; thread++) {
      int first = thread * 10;
      openers.add(() -> {
        List<OpenAccountResult> opened = new ArrayList<>();
        for (int i = first; i < first + 10; i++) {
          opened.add(ledger.openAccount("opened" + i, 1_000, 0));
        }
        return opened;
      });
    }
    List<OpenAccountResult> results = Concurrently.run(openers, WAIT_SECONDS).stream()
        .flatMap(List::stream).toList();
    assertTrue(results.stream().allMatch(result -> result == OpenAccountResult.OPENED),
        results.toString());
    AuditReport report = ledger.audit();
    assertTrue(report.balanced(), report.describe());
    assertEquals(640, report.accountCount(), report.describe());
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
    assertTrue(ledger.accounts().stream().allMatch(a -> a.balanceUnits() >= 0));
    assertBalancedWithTransfers(100);
  }

  @Test
  void oppositeTransfersBetweenTwoAccountsFromManyThreadsFinishWithoutDeadlock()
      throws Exception {
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
    assertBalancedWithTransfers(600);
  }

  @Test
  void batchesAndSinglesThatShareAccountsInEveryOrderFinishWithoutDeadlock() throws Exception {
    List<String> names = List.of("ann", "ben", "cat", "dan", "eve", "fay");
    for (String name : names) {
      ledger.openAccount(name, 1_000, 0);
    }
    List<Callable<Integer>> work = new ArrayList<>();
    for (int task = 0; task < 64; task++) {
      Random random = new Random(task);
      List<TransferCommand> batch = new ArrayList<>();
      int size = task % 4 == 0 ? 1 : 1 + random.nextInt(20);
      for (int i = 0; i < size; i++) {
        String payer = names.get(random.nextInt(names.size()));
        String payee = names.get(random.nextInt(names.size()));
        batch.add(new TransferCommand(payer, payee, 1 + random.nextInt(300),
            random.nextBoolean() ? UUID.randomUUID().toString() : null));
      }
      work.add(() -> (int) ledger.transferBatch(batch).stream()
          .filter(o -> o.status() == Status.SETTLED).count());
    }
    long settled = runTogether(work).stream().mapToInt(Integer::intValue).sum();
    AuditReport report = ledger.audit();
    assertTrue(report.balanced(), report.describe());
    assertEquals(settled, report.transferCount());
    assertEquals(6_000, report.totalBalanceUnits());
  }

  @Test
  void theSameIdReportedFromManyThreadsAtOnceSettlesOnceEveryTime() throws Exception {
    ledger.openAccount("alice", 10_000, 0);
    ledger.openAccount("bob", 0, 0);
    for (int round = 0; round < 20; round++) {
      String id = UUID.randomUUID().toString();
      List<Callable<Status>> reports = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        reports.add(() -> ledger.transfer(new TransferCommand("alice", "bob", 10, id)).status());
      }
      List<Status> outcomes = runTogether(reports);
      assertEquals(1, outcomes.stream().filter(Status.SETTLED::equals).count(),
          outcomes.toString());
      assertEquals(THREADS - 1, outcomes.stream().filter(Status.ALREADY_SETTLED::equals).count(),
          outcomes.toString());
    }
    assertEquals(OptionalLong.of(200), ledger.balance("bob"));
    assertBalancedWithTransfers(20);
  }

  @Test
  void twoThreadsUsingOneIdForDifferentPayeesAtOnceSettleOneAndRefuseTheOther()
      throws Exception {
    ledger.openAccount("alice", 10_000, 0);
    ledger.openAccount("bob", 0, 0);
    ledger.openAccount("carol", 0, 0);
    for (int round = 0; round < 50; round++) {
      String id = UUID.randomUUID().toString();
      List<Status> outcomes = runTogether(List.of(
          () -> ledger.transfer(new TransferCommand("alice", "bob", 10, id)).status(),
          () -> ledger.transfer(new TransferCommand("alice", "carol", 10, id)).status()));
      assertEquals(1, outcomes.stream().filter(Status.SETTLED::equals).count(),
          outcomes.toString());
      assertEquals(1, outcomes.stream().filter(Status.DUPLICATE_ID::equals).count(),
          outcomes.toString());
    }
    assertEquals(OptionalLong.of(9_500), ledger.balance("alice"));
    assertBalancedWithTransfers(50);
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

  @Test
  void auditsRunningDuringTransfersAlwaysSeeBalancedBooks() throws Exception {
    ledger.openAccount("alice", 100_000, 0);
    ledger.openAccount("bob", 100_000, 0);
    AtomicInteger transfersRunning = new AtomicInteger(THREADS - 2);
    List<Callable<String>> work = new ArrayList<>();
    for (int i = 0; i < THREADS - 2; i++) {
      boolean forth = i % 2 == 0;
      work.add(() -> {
        try {
          for (int n = 0; n < 40; n++) {
            ledger.transferBatch(List.of(
                new TransferCommand(forth ? "alice" : "bob", forth ? "bob" : "alice", 3, null),
                new TransferCommand(forth ? "bob" : "alice", forth ? "alice" : "bob", 1, null)));
          }
          return "";
        } finally {
          transfersRunning.decrementAndGet();
        }
      });
    }
    for (int i = 0; i < 2; i++) {
      work.add(() -> {
        StringBuilder problems = new StringBuilder();
        // Audits as long as transfers run; bounded: they finish in well under this many audits.
        for (int n = 0; n < 10_000 && transfersRunning.get() > 0; n++) {
          AuditReport report = ledger.audit();
          if (!report.balanced()) {
            problems.append(report.describe()).append('\n');
          }
        }
        return problems.toString();
      });
    }
    List<String> problems = runTogether(work);
    assertEquals(List.of("", ""), problems.subList(THREADS - 2, THREADS));
    assertBalancedWithTransfers((THREADS - 2) * 40 * 2);
  }

  private static <T> List<T> runTogether(List<Callable<T>> tasks) throws Exception {
    return Concurrently.run(tasks, WAIT_SECONDS);
  }

  private void assertBalancedWithTransfers(long transfers) {
    AuditReport report = ledger.audit();
    assertTrue(report.balanced(), report.describe());
    assertEquals(transfers, report.transferCount());
  }
}
