package io.micropay.server.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.server.ledger.TransferOutcome.Status;
import io.micropay.testing.Concurrently;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One set of books, two writers: two ledgers on one PostgreSQL, as two servers would be, each
 * with its own pool and its own balance hints.
 */
@Timeout(120)
class TwoLedgersOnePostgresTest {
  private String url;
  private JdbcLedger first;
  private JdbcLedger second;

  @BeforeEach
  void open() {
    url = TestLedgers.freshUrl(Dialect.POSTGRESQL, "two");
    first = JdbcLedger.open(url, 4);
    second = JdbcLedger.open(url, 4);
  }

  @AfterEach
  void close() {
    first.close();
    second.close();
  }

  @Test
  void theSameTransferIdOnBothLedgersAtOnceSettlesOnce() throws Exception {
    first.openAccount("alice", 10_000, 0);
    first.openAccount("bob", 0, 0);
    for (int round = 0; round < 30; round++) {
      String id = "same-" + round;
      List<Callable<Status>> reports = List.of(
          () -> first.transfer(new TransferCommand("alice", "bob", 10, id)).status(),
          () -> second.transfer(new TransferCommand("alice", "bob", 10, id)).status());
      List<Status> statuses = Concurrently.run(reports, 30);
      assertTrue(statuses.contains(Status.SETTLED) && statuses.contains(Status.ALREADY_SETTLED),
          "round " + round + ": " + statuses);
    }
    assertEquals(OptionalLong.of(10_000 - 30 * 10), second.balance("alice"));
    AuditReport report = first.audit();
    assertTrue(report.balanced(), report.describe());
    assertEquals(30, report.transferCount());
  }

  @Test
  void aPayerRacingOnBothLedgersCannotOverdrawAndIsRefusedOnlyWhenEmpty() throws Exception {
    first.openAccount("alice", 1_000, 0);
    first.openAccount("bob", 0, 0);
    first.openAccount("carol", 0, 0);
    List<Callable<Integer>> payers = new ArrayList<>();
    for (int thread = 0; thread < 8; thread++) {
      JdbcLedger ledger = thread % 2 == 0 ? first : second;
      String payee = thread % 3 == 0 ? "carol" : "bob";
      int threadId = thread;
      payers.add(() -> {
        int settled = 0;
        for (int i = 0; i < 40; i++) {
          // Batches of two and singles, so both strategies race.
          List<TransferCommand> batch = new ArrayList<>();
          batch.add(new TransferCommand("alice", payee, 10, threadId + "-" + i));
          if (i % 2 == 0) {
            batch.add(new TransferCommand("alice", payee, 10, threadId + "-" + i + "b"));
          }
          for (TransferOutcome outcome : ledger.transferBatch(batch)) {
            settled += outcome.status() == Status.SETTLED ? 1 : 0;
          }
        }
        return settled;
      });
    }
    int settled = Concurrently.run(payers, 90).stream().mapToInt(Integer::intValue).sum();
    // A refusal rests on alice's balance read under lock, which only falls: she is refused
    // only once she holds less than 10, that is 0, so exactly 100 settle of the 480 tried.
    assertEquals(100, settled);
    assertEquals(OptionalLong.of(0), first.balance("alice"));
    AuditReport report = second.audit();
    assertTrue(report.balanced(), report.describe());
    assertEquals(100, report.transferCount());
  }

  @Test
  void aBatchIsOneTransactionAndOneCommit() throws Exception {
    for (int i = 0; i < 64; i++) {
      first.openAccount("a" + i, 100, 0);
    }
    List<TransferCommand> batch = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      batch.add(new TransferCommand("a" + i, "a" + (i + 1) % 64, 1, "g" + i));
    }
    assertTrue(first.transferBatch(batch).stream().allMatch(o -> o.status() == Status.SETTLED));
    // xmin is the id of the transaction that wrote a row: one for all 64 journal rows, and the
    // same for every balance the batch changed.
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement();
        ResultSet journal = statement.executeQuery("SELECT count(DISTINCT xmin::text),"
            + " count(*) FROM journal WHERE kind = 'TRANSFER'")) {
      assertTrue(journal.next());
      assertEquals(64, journal.getInt(2));
      assertEquals(1, journal.getInt(1), "64 transfers in one transaction");
    }
  }
}
