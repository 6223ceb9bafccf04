package io.micropay.system.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.server.TestServer;
import io.micropay.server.Verbosity;
import io.micropay.server.ledger.AuditReport;
import io.micropay.testing.Concurrently;
import io.micropay.testing.ProtocolClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Races through the whole server: double spends from an old and a replacing session, deposits
 * racing transfers, opposite-direction transfers. No overdraft, no deadlock, the books balance.
 */
@Timeout(120)
class RaceTest {
  @TempDir
  Path directory;

  @Test
  void aDoubleSpendFromTheOldAndTheReplacingSessionCannotOverdraw() throws Exception {
    try (TestServer server = TestServer.start(directory, s -> s.withVerbosity(Verbosity.EVENTS))) {
      server.online("bob", 6001).close();
      server.online("alice", 6000).close();
      long settledTotal = 0;
      for (int round = 0; round < 10; round++) {
        // Each session tries to spend 800 of alice's remaining money with its own ids.
        try (ProtocolClient old = server.login("alice", 6000);
            ProtocolClient replacing = server.connect("alice")) {
          StringBuilder burst = new StringBuilder("alice#6000\r\n");
          StringBuilder oldBurst = new StringBuilder();
          for (int i = 0; i < 8; i++) {
            burst.append("alice#100#bob#replacing-").append(round).append('-').append(i)
                .append("\r\n");
            oldBurst.append("alice#100#bob#old-session-").append(round).append('-').append(i)
                .append("\r\n");
          }
          replacing.sendRaw(burst.toString().getBytes(StandardCharsets.US_ASCII));
          old.sendRaw(oldBurst.toString().getBytes(StandardCharsets.US_ASCII));
          replacing.onlineList();
          for (int i = 0; i < 8; i++) {
            String reply = replacing.readLine();
            assertTrue(reply.equals("Transfer OK!")
                || reply.equals("Transfer Fail! INSUFFICIENT_FUNDS"), reply);
          }
        }
        AuditReport report = server.server().ledger().audit();
        assertTrue(report.balanced(), report.describe());
        settledTotal = 10_000 - server.server().ledger().balance("alice").orElseThrow();
        assertTrue(server.server().ledger().balance("alice").orElseThrow() >= 0);
      }
      assertEquals(OptionalLong.of(10_000 + settledTotal), server.server().ledger()
          .balance("bob"), "what left alice arrived at bob");
    }
  }

  @Test
  void depositsRacingTransfersLoseNothing() throws Exception {
    try (TestServer server = TestServer.start(directory, s -> s.withVerbosity(Verbosity.EVENTS)
        .withMaxDeposit(1_000))) {
      server.online("alice", 6000).close();
      server.online("bob", 6001).close();
      List<Callable<Long>> work = new ArrayList<>();
      work.add(() -> repeat(server, "alice", "DEPOSIT#alice#7", "DEPOSIT OK", 200) * 7);
      work.add(() -> repeat(server, "bob", "DEPOSIT#bob#3", "DEPOSIT OK", 200) * 3);
      work.add(() -> {
        repeatLoggedIn(server, "alice", "alice#5#bob", 200);
        return 0L;
      });
      work.add(() -> {
        repeatLoggedIn(server, "bob", "bob#4#alice", 200);
        return 0L;
      });
      long deposited = Concurrently.run(work, 90).stream().mapToLong(Long::longValue).sum();
      AuditReport report = server.server().ledger().audit();
      assertTrue(report.balanced(), report.describe());
      assertEquals(20_000 + deposited, report.totalBalanceUnits());
      assertEquals(200 * 7 + 200 * 3, deposited);
    }
  }

  @Test
  void oppositeTransfersFromManySessionsFinishAndBalance() throws Exception {
    try (TestServer server = TestServer.start(directory, s -> s.withVerbosity(Verbosity.EVENTS))) {
      List<String> names = List.of("a1", "a2", "a3", "a4");
      for (String name : names) {
        server.online(name, 6000).close();
      }
      List<Callable<Long>> perPayer = new ArrayList<>();
      for (String payer : names) {
        perPayer.add(() -> {
          long ok = 0;
          try (ProtocolClient session = server.login(payer, 6000)) {
            for (int i = 0; i < 100; i++) {
              for (String payee : names) {
                if (!payee.equals(payer)
                    && session.request(payer + "#3#" + payee).equals("Transfer OK!")) {
                  ok++;
                }
              }
            }
          }
          return ok;
        });
      }
      long settled = Concurrently.run(perPayer, 90).stream().mapToLong(Long::longValue).sum();
      assertEquals(4 * 100 * 3, settled);
      AuditReport report = server.server().ledger().audit();
      assertTrue(report.balanced(), report.describe());
      assertEquals(settled, report.transferCount());
    }
  }

  private static long repeat(TestServer server, String name, String line, String ok, int times)
      throws Exception {
    long count = 0;
    try (ProtocolClient session = server.connect(name)) {
      for (int i = 0; i < times; i++) {
        if (session.request(line).equals(ok)) {
          count++;
        }
      }
    }
    return count;
  }

  private static long repeatLoggedIn(TestServer server, String name, String line, int times)
      throws Exception {
    long count = 0;
    try (ProtocolClient session = server.login(name, 6000)) {
      for (int i = 0; i < times; i++) {
        if (session.request(line).equals("Transfer OK!")) {
          count++;
        }
      }
    }
    return count;
  }

}
