package io.micropay.server.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.server.ledger.TransferOutcome.Status;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Group commit: a batch is one transaction with one outcome per command, in order; a command
 * that fails never fails its batch-mates, and each is checked against the balances the commands
 * before it left. alice and bob open with 10000 each, carol with nothing.
 */
@Timeout(60)
class TransferBatchTest {
  /** The database every test here runs on; PostgresTransferBatchTest runs them all on PostgreSQL. */
  Dialect dialect() {
    return Dialect.DERBY;
  }

  String freshUrl(String prefix) {
    return TestLedgers.freshUrl(dialect(), prefix);
  }
  private JdbcLedger ledger;

  @BeforeEach
  void open() {
    ledger = JdbcLedger.open(freshUrl("batch"), 2);
    ledger.openAccount("alice", 10_000, 0);
    ledger.openAccount("bob", 10_000, 0);
    ledger.openAccount("carol", 0, 0);
  }

  @AfterEach
  void close() {
    ledger.close();
  }

  @Test
  void badCommandsInTheMiddleOfABatchLeaveTheirBatchMatesSettled() {
    String usedId = UUID.randomUUID().toString();
    assertEquals(Status.SETTLED,
        ledger.transfer(new TransferCommand("alice", "bob", 1, usedId)).status());
    List<TransferOutcome> outcomes = ledger.transferBatch(List.of(
        new TransferCommand("alice", "bob", 6_000, null),
        new TransferCommand("alice", "bob", 5_000, null),
        new TransferCommand("alice", "nobody", 5, null),
        new TransferCommand("alice", "bob", 2, usedId),
        new TransferCommand("bob", "alice", 1, usedId),
        new TransferCommand("alice", "bob", 3_999, null)));
    assertEquals(List.of(Status.SETTLED, Status.INSUFFICIENT_FUNDS, Status.UNKNOWN_PAYEE,
        Status.DUPLICATE_ID, Status.SETTLED, Status.SETTLED), statuses(outcomes));
    assertEquals(List.of(OptionalLong.of(3_999), OptionalLong.of(3_999), OptionalLong.of(3_999),
        OptionalLong.of(3_999), OptionalLong.of(16_000), OptionalLong.of(1)),
        outcomes.stream().map(TransferOutcome::payerBalanceUnits).toList(),
        "each outcome carries the payer balance at its turn in the batch");
    assertEquals(OptionalLong.of(1), ledger.balance("alice"), "10000 - 1 - 6000 + 1 - 3999");
    assertEquals(OptionalLong.of(19_999), ledger.balance("bob"));
    assertBalancedWithTransfers(4);
  }

  @Test
  void twoTransfersThatTogetherOverdrawSettleOnlyTheFirst() {
    List<TransferOutcome> outcomes = ledger.transferBatch(List.of(
        new TransferCommand("alice", "bob", 6_000, null),
        new TransferCommand("alice", "carol", 6_000, null)));
    assertEquals(List.of(Status.SETTLED, Status.INSUFFICIENT_FUNDS), statuses(outcomes));
    assertEquals(OptionalLong.of(4_000), outcomes.get(1).payerBalanceUnits());
    assertEquals(OptionalLong.of(0), ledger.balance("carol"));
    assertBalancedWithTransfers(1);
  }

  @Test
  void anIdRepeatedInsideOneBatchSettlesOnce() {
    String id = UUID.randomUUID().toString();
    List<TransferOutcome> outcomes = ledger.transferBatch(List.of(
        new TransferCommand("alice", "bob", 5, id),
        new TransferCommand("alice", "bob", 5, id),
        new TransferCommand("alice", "bob", 6, id),
        new TransferCommand("alice", "carol", 5, id)));
    assertEquals(List.of(Status.SETTLED, Status.ALREADY_SETTLED, Status.DUPLICATE_ID,
        Status.DUPLICATE_ID), statuses(outcomes));
    assertEquals(OptionalLong.of(9_995), ledger.balance("alice"));
    assertBalancedWithTransfers(1);
  }

  @Test
  void aCreditEarlierInTheBatchCanFundALaterDebit() {
    List<TransferOutcome> outcomes = ledger.transferBatch(List.of(
        new TransferCommand("carol", "bob", 100, null),
        new TransferCommand("alice", "carol", 100, null),
        new TransferCommand("carol", "bob", 100, null)));
    assertEquals(List.of(Status.INSUFFICIENT_FUNDS, Status.SETTLED, Status.SETTLED),
        statuses(outcomes));
    assertEquals(OptionalLong.of(0), ledger.balance("carol"));
    assertEquals(OptionalLong.of(10_100), ledger.balance("bob"));
    assertBalancedWithTransfers(2);
  }

  @Test
  void aBatchThatFillsAPayeeStopsExactlyAtTheMaximum() {
    ledger.openAccount("rich", Ledger.MAX_BALANCE_UNITS - 10, 0);
    List<TransferOutcome> outcomes = ledger.transferBatch(List.of(
        new TransferCommand("alice", "rich", 6, null),
        new TransferCommand("bob", "rich", 4, null),
        new TransferCommand("alice", "rich", 1, null)));
    assertEquals(List.of(Status.SETTLED, Status.SETTLED, Status.LIMIT_EXCEEDED),
        statuses(outcomes));
    assertEquals(OptionalLong.of(Ledger.MAX_BALANCE_UNITS), ledger.balance("rich"));
    assertBalancedWithTransfers(2);
  }

  @Test
  void everyKindOfRefusalInOneBatchMovesNothing() {
    String id = UUID.randomUUID().toString();
    ledger.transfer(new TransferCommand("alice", "bob", 1, id));
    ledger.openAccount("full", Ledger.MAX_BALANCE_UNITS, 0);
    List<TransferOutcome> outcomes = ledger.transferBatch(List.of(
        new TransferCommand("alice", "alice", 1, null),
        new TransferCommand("nobody", "alice", 1, null),
        new TransferCommand("alice", "nobody", 1, null),
        new TransferCommand("alice", "carol", 1, id),
        new TransferCommand("carol", "alice", 1, null),
        new TransferCommand("alice", "full", 1, null)));
    assertEquals(List.of(Status.SELF_PAYMENT, Status.UNKNOWN_PAYER, Status.UNKNOWN_PAYEE,
        Status.DUPLICATE_ID, Status.INSUFFICIENT_FUNDS, Status.LIMIT_EXCEEDED),
        statuses(outcomes));
    assertEquals(OptionalLong.of(9_999), ledger.balance("alice"));
    assertEquals(OptionalLong.of(10_001), ledger.balance("bob"));
    assertBalancedWithTransfers(1);
  }

  @Test
  void anEmptyBatchDoesNothing() {
    assertEquals(List.of(), ledger.transferBatch(List.of()));
    assertBalancedWithTransfers(0);
  }

  @Test
  void aBatchMayHoldExactlyTheMaximumNumberOfCommandsButNotOneMore() {
    List<TransferCommand> batch = new ArrayList<>(
        Collections.nCopies(Ledger.MAX_BATCH_COMMANDS, new TransferCommand("alice", "bob", 1,
            null)));
    List<TransferOutcome> outcomes = ledger.transferBatch(batch);
    assertTrue(outcomes.stream().allMatch(o -> o.status() == Status.SETTLED));
    assertEquals(OptionalLong.of(10_000 - Ledger.MAX_BATCH_COMMANDS), ledger.balance("alice"));
    batch.add(new TransferCommand("alice", "bob", 1, null));
    assertThrows(IllegalArgumentException.class, () -> ledger.transferBatch(batch));
    assertBalancedWithTransfers(Ledger.MAX_BATCH_COMMANDS);
  }

  @Test
  void aBalanceChangedBehindTheFastPathsBackIsReadAgainNotOverwritten() {
    String url = freshUrl("stale");
    try (JdbcLedger first = JdbcLedger.open(url, 1); JdbcLedger second = JdbcLedger.open(url, 1)) {
      first.openAccount("alice", 10_000, 0);
      first.openAccount("bob", 10_000, 0);
      // first now holds balance hints for alice and bob; second moves money under them.
      assertEquals(Status.SETTLED,
          first.transfer(new TransferCommand("alice", "bob", 1_000, null)).status());
      assertEquals(Status.SETTLED,
          second.transfer(new TransferCommand("alice", "bob", 8_000, null)).status());
      List<TransferOutcome> outcomes = first.transferBatch(List.of(
          new TransferCommand("alice", "bob", 1_000, null),
          new TransferCommand("alice", "bob", 1_000, null)));
      assertEquals(List.of(Status.SETTLED, Status.INSUFFICIENT_FUNDS), statuses(outcomes),
          "a stale hint (9000) would have let both settle");
      assertEquals(OptionalLong.of(0), first.balance("alice"));
      assertEquals(OptionalLong.of(20_000), second.balance("bob"));
      AuditReport report = first.audit();
      assertTrue(report.balanced(), report.describe());
    }
  }

  /**
   * Issue 12 item 3: a hint left stale by another writer's deposit must never refuse a payer who
   * can pay. Once failed on the fast path, which refused on its hint (0) without a lock.
   */
  @Test
  void aStaleHintNeverRefusesAPayerWhoCanPay() {
    String url = freshUrl("stale-refusal");
    try (JdbcLedger first = JdbcLedger.open(url, 1); JdbcLedger second = JdbcLedger.open(url, 1)) {
      first.openAccount("alice", 1_000, 0);
      first.openAccount("bob", 0, 0);
      // first's hint for alice is now 0; second deposits under it.
      assertEquals(Status.SETTLED,
          first.transfer(new TransferCommand("alice", "bob", 1_000, "t1")).status());
      assertEquals(DepositResult.OK, second.deposit("alice", 500));
      assertEquals(List.of(Status.SETTLED, Status.INSUFFICIENT_FUNDS), statuses(
          first.transferBatch(List.of(new TransferCommand("alice", "bob", 400, "t2"),
              new TransferCommand("alice", "bob", 400, "t3")))),
          "alice holds 500: the first settles, and only the second is refused");
      assertEquals(OptionalLong.of(100), first.balance("alice"));
      AuditReport report = first.audit();
      assertTrue(report.balanced(), report.describe());
    }
  }

  private static List<Status> statuses(List<TransferOutcome> outcomes) {
    return outcomes.stream().map(TransferOutcome::status).toList();
  }

  @Test
  void batchesOfEverySizeUseFewStatementTextsAndSettleEachTransferOnce() throws Exception {
    String url = freshUrl("texts");
    int accounts = 2 * LedgerStatements.NAMES_PER_QUERY;
    int largest = LedgerStatements.NAMES_PER_QUERY + 2;
    long settled = 0;
    long[] expected = new long[accounts];
    Arrays.fill(expected, 1_000);
    try (JdbcLedger fresh = JdbcLedger.open(url, 1)) {
      for (int i = 0; i < accounts; i++) {
        fresh.openAccount("a" + i, 1_000, 0);
      }
      // The largest batch first, while no balance is known (its 130 payers and 130 payees are
      // 256 accounts: two reads of 128 names), then every size down to 1, written in powers of
      // two. LedgerStatementsTest reads lists that need padding.
      for (int size = largest; size >= 1; size--) {
        List<TransferCommand> batch = new ArrayList<>();
        for (int i = 0; i < size; i++) {
          batch.add(new TransferCommand("a" + i, "a" + (i + size) % accounts, 1,
              "t" + size + "-" + i));
          expected[i]--;
          expected[(i + size) % accounts]++;
        }
        List<TransferOutcome> outcomes = fresh.transferBatch(batch);
        assertTrue(outcomes.stream().allMatch(o -> o.status() == Status.SETTLED),
            "batch of " + size + ": " + statuses(outcomes));
        settled += size;
      }
      AuditReport report = fresh.audit();
      assertTrue(report.balanced(), report.describe());
      assertEquals(settled, report.transferCount(), report.describe());
      for (int i = 0; i < accounts; i++) {
        assertEquals(OptionalLong.of(expected[i]), fresh.balance("a" + i), "a" + i);
      }

      if (dialect() != Dialect.DERBY) {
        return;
      }
      // Derby compiles each text into a class of its own: a handful, not one per batch size.
      try (Connection connection = DriverManager.getConnection(url);
          Statement statement = connection.createStatement();
          ResultSet texts = statement.executeQuery(
              "SELECT SQL_TEXT FROM SYSCS_DIAG.STATEMENT_CACHE")) {
        int inserts = 0;
        int reads = 0;
        while (texts.next()) {
          String text = texts.getString(1);
          inserts += text.startsWith("INSERT INTO journal") ? 1 : 0;
          reads += text.startsWith("SELECT name, balance FROM accounts WHERE name IN") ? 1 : 0;
        }
        assertTrue(inserts >= 2 && inserts <= 7, inserts + " journal INSERT texts");
        assertTrue(reads >= 1 && reads <= 8, reads + " balance query texts");
      }
    }
  }

  private void assertBalancedWithTransfers(long transfers) {
    AuditReport report = ledger.audit();
    assertTrue(report.balanced(), report.describe());
    assertEquals(transfers, report.transferCount(), report.describe());
  }
}
