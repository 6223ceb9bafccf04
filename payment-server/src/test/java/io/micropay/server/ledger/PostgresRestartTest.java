package io.micropay.server.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.server.ledger.TransferOutcome.Status;
import io.micropay.testing.Await;
import io.micropay.testing.PostgresServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PostgreSQL stopped and started again under load: while it is down every transfer fails with a
 * LedgerException (never SETTLED for one that did not commit), the ledger says it is not ready,
 * and it comes back by itself, with every acknowledged transfer in the books.
 */
@Timeout(180)
class PostgresRestartTest {
  private static final int PAYERS = 4;

  @Test
  void transfersFailClearlyWhileItIsDownAndTheLedgerRecoversByItself() throws Exception {
    try (PostgresServer postgres = PostgresServer.start()) {
      String url = postgres.createDatabase("restart");
      try (JdbcLedger ledger = JdbcLedger.open(url, PAYERS + 2)) {
        for (int i = 0; i < PAYERS; i++) {
          ledger.openAccount("payer" + i, 1_000_000, 0);
        }
        ledger.openAccount("shop", 0, 0);
        Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicInteger failures = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(PAYERS);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < PAYERS; i++) {
          String payer = "payer" + i;
          running.add(threads.submit(() -> {
            for (int n = 0; !stop.get(); n++) {
              String id = payer + "-" + n;
              try {
                TransferOutcome outcome = ledger.transfer(new TransferCommand(payer, "shop", 1,
                    id));
                assertEquals(Status.SETTLED, outcome.status(), id);
                acknowledged.add(payer + "/" + id);
              } catch (LedgerException e) {
                failures.incrementAndGet();
                pause();
              }
            }
            return null;
          }));
        }
        Await.until("transfers before the stop", Duration.ofSeconds(30),
            () -> acknowledged.size() >= 100);
        postgres.stop();
        int failedBefore = failures.get();
        Await.until("transfers failing while PostgreSQL is down", Duration.ofSeconds(30),
            () -> failures.get() > failedBefore + PAYERS);
        assertTrue(!ledger.isReady(), "not ready while PostgreSQL is down");
        int acknowledgedWhileDown = acknowledged.size();
        postgres.startAgain();
        Await.until("the ledger ready again", Duration.ofSeconds(60), ledger::isReady);
        Await.until("transfers settling again", Duration.ofSeconds(60),
            () -> acknowledged.size() >= acknowledgedWhileDown + 100);
        stop.set(true);
        for (Future<?> thread : running) {
          thread.get(30, TimeUnit.SECONDS);
        }
        threads.shutdown();

        for (String entry : acknowledged) {
          String[] parts = entry.split("/");
          assertTrue(ledger.settledTransfer(parts[0], parts[1]).isPresent(),
              "acknowledged but not in the books: " + entry);
        }
        AuditReport report = ledger.audit();
        assertTrue(report.balanced(), report.describe());
        assertTrue(report.transferCount() >= acknowledged.size(), report.describe());
      }
    }
  }

  /** A failed transfer's payer waits a little before the next, as a real payer would. */
  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
