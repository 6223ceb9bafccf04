package io.micropay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.pki.testing.TestPki;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the server with SIGKILL in the middle of a stream of transfers, restarts it on the same
 * data folder, and checks that every transfer it answered {@code Transfer OK!} is in the ledger
 * exactly once and that the books balance.
 */
@Timeout(180)
class CrashRecoveryTest {
  private static final int PAYERS = 4;
  private static final int TIMEOUT_MILLIS = 10_000;

  @TempDir
  Path directory;

  @Test
  void everyAcknowledgedTransferSurvivesAKillAndARestart() throws Exception {
    TestPki pki = TestPki.create(directory.resolve("ssl"));
    Path data = directory.resolve("data");
    Map<String, String> acknowledged = new ConcurrentHashMap<>();
    try (ServerProcess first = ServerProcess.start(pki.layout().directory(), data, List.of())) {
      register(pki, first.port(), "payee");
      for (int i = 0; i < PAYERS; i++) {
        register(pki, first.port(), "payer" + i);
      }
      AtomicInteger settled = new AtomicInteger();
      ExecutorService payers = Executors.newFixedThreadPool(PAYERS);
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < PAYERS; i++) {
        String payer = "payer" + i;
        running.add(payers.submit(() -> pay(pki, first.port(), payer, acknowledged, settled)));
      }
      Await.until("transfers under way", Duration.ofSeconds(60), () -> settled.get() >= 40);
      first.kill();
      for (Future<?> payer : running) {
        payer.get(30, TimeUnit.SECONDS);
      }
      payers.shutdown();
    }
    assertTrue(acknowledged.size() >= 40, "transfers acknowledged before the kill");

    try (ServerProcess second = ServerProcess.start(pki.layout().directory(), data, List.of())) {
      try (ProtocolClient payer0 = client(pki, second.port(), "payer0")) {
        payer0.send("payer0#6000");
        payer0.onlineList();
        String id = acknowledged.entrySet().stream().filter(e -> e.getValue().equals("payer0"))
            .map(Map.Entry::getKey).findFirst().orElseThrow();
        payer0.expect("payer0#1#payee#" + id, "Transfer OK!");
      }
      // 143 = 128 + SIGTERM: the JVM's exit status after its shutdown hooks ran.
      assertEquals(143, second.stop(), second.output());
      assertTrue(second.output().contains("stopped"), second.output());
    }

    try (JdbcLedger ledger = JdbcLedger.open(Ledgers.derbyUrl(data), 1)) {
      AuditReport report = ledger.audit();
      assertTrue(report.balanced(), report.describe());
      Set<String> journalled = ledger.journal("payee", 1_000_000).stream()
          .map(JournalEntry::transferId).collect(Collectors.toSet());
      List<String> ids = ledger.journal("payee", 1_000_000).stream()
          .map(JournalEntry::transferId).filter(id -> id != null).toList();
      assertEquals(ids.size(), Set.copyOf(ids).size(), "no id settled twice");
      for (String id : acknowledged.keySet()) {
        assertTrue(journalled.contains(id), "acknowledged transfer " + id + " is missing");
      }
    }
  }

  private static void pay(TestPki pki, int port, String payer, Map<String, String> acknowledged,
      AtomicInteger settled) {
    try (ProtocolClient client = client(pki, port, payer)) {
      client.send(payer + "#6000");
      client.onlineList();
      for (int n = 0; n < 100_000; n++) {
        String id = payer + "-" + n + "-abcdefgh";
        String reply = client.request(payer + "#1#payee#" + id);
        if (reply == null) {
          return;
        }
        assertEquals("Transfer OK!", reply);
        acknowledged.put(id, payer);
        settled.incrementAndGet();
      }
    } catch (IOException e) {
      // The server was killed: the transfer in flight was not acknowledged, and that is fine.
    }
  }

  private static void register(TestPki pki, int port, String name) throws IOException {
    try (ProtocolClient client = client(pki, port, name)) {
      client.expect("REGISTER#" + name, "100 OK");
    }
  }

  private static ProtocolClient client(TestPki pki, int port, String name) throws IOException {
    SSLSocket socket = pki.peerTls(name, TIMEOUT_MILLIS).connectToServer("127.0.0.1", port,
        TIMEOUT_MILLIS);
    return new ProtocolClient(socket);
  }

}
