package io.micropay.system;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.pki.testing.TestPki;
import io.micropay.server.TestServer;
import io.micropay.server.ledger.AuditReport;
import io.micropay.server.ledger.JdbcLedger;
import io.micropay.testing.Await;
import io.micropay.testing.PostgresServer;
import io.micropay.testing.ProtocolClient;
import io.micropay.testing.ServerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 item 7: PostgreSQL restarted under load behind a real server process. While it is
 * down a payer gets no {@code Transfer OK!} for a transfer that did not commit (the session ends
 * instead, and so do logins); once it is back the same server settles again by itself.
 */
@Timeout(180)
class PostgresRestartUnderLoadTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path directory;

  @Test
  void whileItIsDownNoTransferIsAcknowledgedThatDidNotCommitAndTheServerRecoversByItself()
      throws Exception {
    TestPki pki = TestPki.create(directory.resolve("ssl"));
    try (PostgresServer postgres = PostgresServer.start()) {
      String url = postgres.createDatabase("restart");
      try (ServerProcess server = ServerProcess.start(pki.layout().directory(),
          directory.resolve("data"), List.of("--db-url", url))) {
        for (String name : List.of("alice", "bob")) {
          try (ProtocolClient client = client(pki, name, server)) {
            client.expect("REGISTER#" + name, "100 OK");
          }
        }
        Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicInteger failures = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> payer = CompletableFuture.runAsync(() -> {
          int n = 0;
          while (!stop.get()) {
            try (ProtocolClient alice = client(pki, "alice", server)) {
              alice.send("alice#6000");
              alice.onlineList();
              while (!stop.get()) {
                String id = "restart-" + n++;
                String reply = alice.request("alice#1#bob#" + id);
                if (!"Transfer OK!".equals(reply)) {
                  failures.incrementAndGet();
                  break;
                }
                acknowledged.add(id);
              }
            } catch (IOException | RuntimeException e) {
              // The session ended (the ledger failed) or the login failed: not acknowledged.
              failures.incrementAndGet();
              pause();
            }
          }
        });
        Await.until("transfers before the stop", WAIT, () -> acknowledged.size() >= 50);
        postgres.stop();
        int failedBefore = failures.get();
        Await.until("transfers failing while PostgreSQL is down", WAIT,
            () -> failures.get() > failedBefore);
        int acknowledgedWhileDown = acknowledged.size();
        postgres.startAgain();
        Await.until("transfers settling again", WAIT,
            () -> acknowledged.size() >= acknowledgedWhileDown + 50);
        stop.set(true);
        payer.get(30, TimeUnit.SECONDS);

        try (JdbcLedger books = JdbcLedger.open(url, 1)) {
          for (String id : acknowledged) {
            assertTrue(books.settledTransfer("alice", id).isPresent(),
                "Transfer OK! for a transfer not in the books: " + id);
          }
          AuditReport report = books.audit();
          assertTrue(report.balanced(), report.describe());
        }
      }
    }
  }

  private static ProtocolClient client(TestPki pki, String name, ServerProcess server) {
    try {
      return new ProtocolClient(pki.peerTls(name, 5_000, TestServer.MICROPAY_ALPN)
          .connectToServer("127.0.0.1", server.port(), 5_000));
    } catch (Exception e) {
      throw new IllegalStateException("cannot connect as " + name + ": " + e.getMessage(), e);
    }
  }

  /** A payer whose session ended waits a little before it logs in again. */
  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
