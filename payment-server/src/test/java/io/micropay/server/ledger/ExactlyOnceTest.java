package io.micropay.server.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.server.ledger.TransferOutcome.Status;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transfer ids: a report is settled once per (payer, id), a repeat is answered OK and changes
 * nothing, a conflicting reuse is refused, and the database itself enforces it. alice and bob
 * open with 10000 each. Races on one id are in {@link LedgerConcurrencyTest}.
 */
@Timeout(60)
class ExactlyOnceTest {
  /** The database every test here runs on; PostgresExactlyOnceTest runs them all on PostgreSQL. */
  Dialect dialect() {
    return Dialect.DERBY;
  }

  String freshUrl(String prefix) {
    return TestLedgers.freshUrl(dialect(), prefix);
  }
  private String url;
  private JdbcLedger ledger;

  @BeforeEach
  void open() {
    url = freshUrl("once");
    ledger = JdbcLedger.open(url, 2);
    ledger.openAccount("alice", 10_000, 0);
    ledger.openAccount("bob", 10_000, 0);
  }

  @AfterEach
  void close() {
    ledger.close();
  }

  @Test
  void theSameIdTwiceSettlesOnceAndTheRepeatIsAnsweredOkWithoutMovingMoney() {
    String id = newId();
    assertEquals(Status.SETTLED, transfer("alice", "bob", 300, id).status());
    TransferOutcome again = transfer("alice", "bob", 300, id);
    assertEquals(Status.ALREADY_SETTLED, again.status());
    assertTrue(again.succeeded(), "the server answers Transfer OK! again");
    assertEquals(OptionalLong.of(9_700), again.payerBalanceUnits());
    assertEquals(OptionalLong.of(9_700), ledger.balance("alice"));
    assertEquals(OptionalLong.of(10_300), ledger.balance("bob"));
    assertBalancedWithTransfers(1);
  }

  @Test
  void theSameIdWithAnotherAmountIsADuplicateAndMovesNothing() {
    String id = newId();
    assertEquals(Status.SETTLED, transfer("alice", "bob", 300, id).status());
    TransferOutcome other = transfer("alice", "bob", 301, id);
    assertEquals(Status.DUPLICATE_ID, other.status());
    assertEquals(OptionalLong.of(9_700), other.payerBalanceUnits());
    assertEquals(OptionalLong.of(9_700), ledger.balance("alice"));
    assertBalancedWithTransfers(1);
  }

  @Test
  void theSameIdToAnotherPayeeIsADuplicateAndMovesNothing() {
    ledger.openAccount("carol", 0, 0);
    String id = newId();
    assertEquals(Status.SETTLED, transfer("alice", "bob", 300, id).status());
    assertEquals(Status.DUPLICATE_ID, transfer("alice", "carol", 300, id).status());
    assertEquals(OptionalLong.of(0), ledger.balance("carol"));
    assertEquals(OptionalLong.of(9_700), ledger.balance("alice"));
    assertBalancedWithTransfers(1);
  }

  @Test
  void theSameIdUsedByTwoDifferentPayersSettlesForEachBecauseIdsBelongToTheirPayer() {
    String id = newId();
    assertEquals(Status.SETTLED, transfer("alice", "bob", 300, id).status());
    assertEquals(Status.SETTLED, transfer("bob", "alice", 200, id).status());
    assertEquals(OptionalLong.of(9_900), ledger.balance("alice"));
    assertEquals(OptionalLong.of(10_100), ledger.balance("bob"));
    assertBalancedWithTransfers(2);
  }

  @Test
  void aRefusedTransferDoesNotUseUpItsId() {
    String id = newId();
    assertEquals(Status.INSUFFICIENT_FUNDS, transfer("alice", "bob", 20_000, id).status());
    assertEquals(Status.SETTLED, transfer("alice", "bob", 20, id).status(),
        "only a settled transfer is remembered, so the id is still free");
    assertBalancedWithTransfers(1);
  }

  @Test
  void transfersWithoutIdSettleOncePerCall() {
    for (int i = 0; i < 20; i++) {
      assertEquals(Status.SETTLED, transfer("alice", "bob", 10, null).status());
    }
    assertEquals(OptionalLong.of(9_800), ledger.balance("alice"));
    assertBalancedWithTransfers(20);
  }

  @Test
  void theUniqueConstraintAllowsManyNullIdsButOnlyOneRowPerPayerAndId() throws Exception {
    try (Connection connection = DriverManager.getConnection(url);
        PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO journal (kind, debit_account, credit_account, amount, transfer_id,"
                + " recorded_at) VALUES (?, ?, ?, 1, ?, CURRENT_TIMESTAMP)")) {
      for (int i = 0; i < 3; i++) {
        insertJournalRow(insert, "GRANT", null, "bob", null);
        insertJournalRow(insert, "TRANSFER", "alice", "bob", null);
      }
      insertJournalRow(insert, "TRANSFER", "alice", "bob", "same-id-1");
      insertJournalRow(insert, "TRANSFER", "bob", "alice", "same-id-1");
      SQLException twice = assertThrows(SQLException.class,
          () -> insertJournalRow(insert, "TRANSFER", "alice", "bob", "same-id-1"));
      assertEquals("23505", twice.getSQLState(), twice.getMessage());
    }
  }

  @Test
  void anIdSettledBeforeARestartIsStillRememberedAfterIt(@TempDir Path directory) {
    // On PostgreSQL the restart is a new ledger on the same database.
    String onDisk = dialect() == Dialect.DERBY ? Ledgers.derbyUrl(directory) : freshUrl("restart");
    String id = newId();
    try (JdbcLedger first = JdbcLedger.open(onDisk, 1)) {
      first.openAccount("alice", 10_000, 0);
      first.openAccount("bob", 10_000, 0);
      assertEquals(Status.SETTLED,
          first.transfer(new TransferCommand("alice", "bob", 250, id)).status());
    }
    try (JdbcLedger second = JdbcLedger.open(onDisk, 1)) {
      assertEquals(Status.ALREADY_SETTLED,
          second.transfer(new TransferCommand("alice", "bob", 250, id)).status());
      assertEquals(Status.DUPLICATE_ID,
          second.transfer(new TransferCommand("alice", "bob", 251, id)).status());
      assertEquals(OptionalLong.of(9_750), second.balance("alice"));
      assertTrue(second.audit().balanced());
    }
  }

  private static void insertJournalRow(PreparedStatement insert, String kind, String debit,
      String credit, String transferId) throws SQLException {
    insert.setString(1, kind);
    insert.setString(2, debit);
    insert.setString(3, credit);
    insert.setString(4, transferId);
    insert.executeUpdate();
  }

  private TransferOutcome transfer(String payer, String payee, long amount, String id) {
    return ledger.transfer(new TransferCommand(payer, payee, amount, id));
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  private void assertBalancedWithTransfers(long transfers) {
    AuditReport report = ledger.audit();
    assertTrue(report.balanced(), report.describe());
    assertEquals(transfers, report.transferCount(), report.describe());
  }
}
