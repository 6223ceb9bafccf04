package io.micropay.server.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micropay.server.ledger.JdbcLedger;
import io.micropay.server.ledger.LedgerDatabase;
import io.micropay.server.ledger.TransferCommand;
import io.micropay.server.ledger.TransferOutcome.Status;
import io.micropay.testing.PostgresServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The replacement barrier across servers on a real PostgreSQL: once a newer login of the payer
 * is published, a transfer its older session reported settles nothing, on the fast and the
 * careful way alike, while its batch-mates settle.
 */
@Timeout(60)
class PresenceGuardTest {
  private static PostgresServer postgres;

  @BeforeAll
  static void startPostgres() {
    postgres = PostgresServer.start();
  }

  @AfterAll
  static void stopPostgres() {
    postgres.close();
  }

  @Test
  void aTransferFromAReplacedSessionSettlesNothingAndItsBatchMatesSettle() {
    String url = postgres.createDatabase("guard");
    try (JdbcLedger ledger = JdbcLedger.open(url, 4);
        PostgresPresence a = store(ledger.database(), "server-a");
        PostgresPresence b = store(ledger.database(), "server-b")) {
      ledger.guardSessions(new PresenceGuard(a.serverId()));
      for (String name : List.of("alice", "bob", "carol")) {
        ledger.openAccount(name, 1_000, 0);
      }
      a.claim("alice", "10.0.0.1", 9001, 5);
      a.claim("carol", "10.0.0.3", 9003, 6);
      assertEquals(Status.SETTLED, ledger.transfer(
          new TransferCommand("alice", "bob", 10, "first-0001", 5)).status());

      b.claim("alice", "10.0.0.2", 9002, 77);
      List<Status> batch = ledger.transferBatch(List.of(
              new TransferCommand("alice", "bob", 10, "second-001", 5),
              new TransferCommand("carol", "bob", 10, "third-0001", 6),
              // A refusal sends the batch the careful way: the guard holds there too.
              new TransferCommand("carol", "bob", 5_000, "fourth-001", 6)))
          .stream().map(outcome -> outcome.status()).toList();
      assertEquals(List.of(Status.SESSION_REPLACED, Status.SETTLED,
          Status.INSUFFICIENT_FUNDS), batch);
      assertEquals(990, ledger.balance("alice").orElseThrow());
      assertEquals(1_020, ledger.balance("bob").orElseThrow());
      // Outside any session (tools, tests) nothing is guarded.
      assertEquals(Status.SETTLED, ledger.transfer(
          new TransferCommand("alice", "bob", 1, "fifth-0001")).status());
    }
  }

  private static PostgresPresence store(LedgerDatabase database, String serverId) {
    PostgresPresence store = new PostgresPresence(database,
        serverId, serverId, Duration.ofSeconds(10), Duration.ofSeconds(3));
    store.start(new PresenceStore.Listener() {
      @Override
      public void replacedElsewhere(String account, long sessionId, String ip, int port) {
      }

      @Override
      public void changed() {
      }

      @Override
      public List<PresenceStore.LocalSession> localSessions() {
        return List.of();
      }
    });
    return store;
  }
}
