package io.micropay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.server.ledger.AuditReport;
import io.micropay.testing.Concurrently;
import io.micropay.testing.ProtocolClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Races through the whole server: sessions, settlement and ledger, over real TLS. */
@Timeout(120)
class ServerConcurrencyTest {
  @TempDir
  Path directory;

  @Test
  void manyPayersRacingIntoOnePayeeEachSettleExactlyWhatTheyAfford() throws Exception {
    try (TestServer server = TestServer.start(directory)) {
      server.online("sink", 6999).close();
      List<Callable<List<String>>> racers = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        String payer = "payer" + t;
        server.online(payer, 6000 + t).close();
        racers.add(() -> {
          List<String> replies = new ArrayList<>();
          try (ProtocolClient session = server.login(payer, 6100)) {
            for (int i = 0; i < 60; i++) {
              replies.add(session.request(payer + "#200#sink#" + payer + "-id-" + i));
            }
          } catch (IOException e) {
            throw new IOException(payer + " failed after " + replies.size() + " replies: " + e, e);
          }
          return replies;
        });
      }
      List<String> replies = Concurrently.run(racers, 90).stream().flatMap(List::stream).toList();
      assertEquals(8 * 50, replies.stream().filter("Transfer OK!"::equals).count(),
          "each payer affords 10000 / 200 = 50 transfers");
      assertEquals(8 * 10, replies.stream()
          .filter("Transfer Fail! INSUFFICIENT_FUNDS"::equals).count());
      for (int t = 0; t < 8; t++) {
        assertEquals(OptionalLong.of(0), server.server().ledger().balance("payer" + t));
      }
      assertBalanced(server, 400);
    }
  }

  @Test
  void oppositeTransfersBetweenTwoPeersInParallelFinishWithoutDeadlock() throws Exception {
    try (TestServer server = TestServer.start(directory)) {
      server.online("alice", 6000).close();
      server.online("bob", 6001).close();
      List<Callable<List<String>>> racers = new ArrayList<>();
      for (String payer : List.of("alice", "bob")) {
        String payee = payer.equals("alice") ? "bob" : "alice";
        racers.add(() -> {
          List<String> replies = new ArrayList<>();
          try (ProtocolClient session = server.login(payer, 6100)) {
            for (int i = 0; i < 300; i++) {
              replies.add(session.request(payer + "#3#" + payee));
            }
          }
          return replies;
        });
      }
      List<String> replies = Concurrently.run(racers, 90).stream().flatMap(List::stream).toList();
      assertTrue(replies.stream().allMatch("Transfer OK!"::equals), replies.toString());
      assertEquals(OptionalLong.of(10_000), server.server().ledger().balance("alice"));
      assertBalanced(server, 600);
    }
  }

  private static void assertBalanced(TestServer server, long transfers) {
    AuditReport report = server.server().ledger().audit();
    assertTrue(report.balanced(), report.describe());
    assertEquals(transfers, report.transferCount());
  }

}
