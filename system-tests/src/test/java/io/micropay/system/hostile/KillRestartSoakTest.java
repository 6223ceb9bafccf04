package io.micropay.system.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.pki.TlsFactory;
import io.micropay.pki.testing.TestPki;
import io.micropay.server.ServerConfig;
import io.micropay.server.ledger.AuditReport;
import io.micropay.server.ledger.JdbcLedger;
import io.micropay.server.ledger.JournalEntry;
import io.micropay.server.ledger.Ledgers;
import io.micropay.testing.Await;
import io.micropay.testing.ProtocolClient;
import io.micropay.testing.ServerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults under load: payers keep paying payees while, in a loop, the server is killed with
 * SIGKILL and started again on the same data folder. Payers reconnect and re-send their
 * unanswered transfer with the same id. After every kill the books balance and every transfer
 * ever answered {@code Transfer OK!} is in the journal exactly once. Cycles:
 * {@code -Dmicropay.soak.cycles} (default 3; {@code make soak} runs 50).
 */
@Timeout(3600)
class KillRestartSoakTest {
  private static final int CYCLES = Integer.getInteger("micropay.soak.cycles", 3);
  private static final int PAYERS = 8;
  private static final int PAYEES = 4;
  private static final int TIMEOUT_MILLIS = 5_000;
  /** Transfers each cycle waits for before it kills the server. */
  private static final int TRANSFERS_PER_CYCLE = 200;

  @TempDir
  Path directory;

  @Test
  void everyAcknowledgedTransferSurvivesEveryKillExactlyOnce() throws Exception {
    TestPki pki = TestPki.create(directory.resolve("ssl"));
    Path data = directory.resolve("data");
    ServerProcess server = ServerProcess.start(pki.layout().directory(), data, List.of());
    int port = server.port();
    List<String> payers = new ArrayList<>();
    for (int i = 0; i < PAYERS; i++) {
      payers.add("payer" + i);
    }
    for (String name : names(payers)) {
      register(pki, port, name);
    }
    Map<String, String> acknowledged = new ConcurrentHashMap<>();
    Map<String, String> unanswered = new ConcurrentHashMap<>();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong answered = new AtomicLong();
    ExecutorService threads = Executors.newFixedThreadPool(PAYERS);
    List<Future<?>> loops = new ArrayList<>();
    for (int i = 0; i < PAYERS; i++) {
      String payer = payers.get(i);
      String payee = "payee" + (i % PAYEES);
      loops.add(threads.submit(() -> new PayerLoop(pki, port, payer, payee, running,
          acknowledged, unanswered, answered).run()));
    }
    try {
      for (int cycle = 1; cycle <= CYCLES; cycle++) {
        long target = answered.get() + TRANSFERS_PER_CYCLE;
        Await.until("transfers in cycle " + cycle, Duration.ofSeconds(120),
            () -> answered.get() >= target);
        server.kill();
        checkBooks(data, acknowledged, unanswered);
        server = ServerProcess.start(port, pki.layout().directory(), data, List.of());
      }
    } finally {
      running.set(false);
      for (Future<?> loop : loops) {
        loop.get(120, TimeUnit.SECONDS);
      }
      threads.shutdown();
      server.stop();
    }
    checkBooks(data, acknowledged, unanswered);
    Figures.report("kill -9 cycles survived", CYCLES, acknowledged.size()
        + " acknowledged transfers, 0 lost, 0 settled twice");
  }

  private static List<String> names(List<String> payers) {
    List<String> all = new ArrayList<>(payers);
    for (int i = 0; i < PAYEES; i++) {
      all.add("payee" + i);
    }
    return all;
  }

  /** With the server down: audit, and every acknowledged id journalled exactly once. */
  private static void checkBooks(Path data, Map<String, String> acknowledged,
      Map<String, String> unanswered) {
    try (JdbcLedger ledger = JdbcLedger.open(Ledgers.derbyUrl(data), 1)) {
      AuditReport report = ledger.audit();
      assertTrue(report.balanced(), report.describe());
      Map<String, Integer> journalled = new HashMap<>();
      for (int i = 0; i < PAYEES; i++) {
        for (JournalEntry entry : ledger.journal("payee" + i, Integer.MAX_VALUE)) {
          if (entry.kind() == JournalEntry.Kind.TRANSFER) {
            journalled.merge(entry.transferId(), 1, Integer::sum);
          }
        }
      }
      journalled.forEach((id, times) -> assertEquals(1, times, "transfer " + id));
      Set<String> missing = new HashSet<>(acknowledged.keySet());
      missing.removeAll(journalled.keySet());
      assertTrue(missing.isEmpty(), "acknowledged but not in the ledger: " + missing);
      Set<String> unexplained = new HashSet<>(journalled.keySet());
      unexplained.removeAll(acknowledged.keySet());
      unexplained.removeAll(unanswered.keySet());
      assertTrue(unexplained.isEmpty(), "in the ledger but never sent: " + unexplained);
    }
  }

  private static void register(TestPki pki, int port, String name) throws IOException {
    try (ProtocolClient client = connect(pki.peerTls(name, TIMEOUT_MILLIS), port)) {
      assertEquals("100 OK", client.request("REGISTER#" + name));
    }
  }

  private static ProtocolClient connect(TlsFactory tls, int port) throws IOException {
    return new ProtocolClient(tls.connectToServer("127.0.0.1", port, TIMEOUT_MILLIS));
  }

  /**
   * One payer: pays 1 at a time with a fresh id; when the connection drops it reconnects, logs
   * in and re-sends the unanswered transfer with the same id, as the peer does.
   */
  private record PayerLoop(TestPki pki, int port, String payer, String payee,
      AtomicBoolean running, Map<String, String> acknowledged, Map<String, String> unanswered,
      AtomicLong answered) {
    void run() {
      TlsFactory tls = pki.peerTls(payer, TIMEOUT_MILLIS);
      long sequence = 0;
      String pending = null;
      while (running.get()) {
        try (ProtocolClient session = connect(tls, port)) {
          session.send(payer + "#6000");
          session.onlineList();
          while (running.get()) {
            if (pending == null) {
              pending = payer + "-" + sequence++ + "-soak";
              unanswered.put(pending, payer);
            }
            String reply = session.request(payer + "#1#" + payee + "#" + pending);
            if (reply == null) {
              break;
            }
            assertEquals("Transfer OK!", reply, pending);
            acknowledged.put(pending, payer);
            unanswered.remove(pending);
            answered.incrementAndGet();
            pending = null;
          }
        } catch (IOException | RuntimeException serverDown) {
          pause();
        }
      }
    }

    private static void pause() {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
