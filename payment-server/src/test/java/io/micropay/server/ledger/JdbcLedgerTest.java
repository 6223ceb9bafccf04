package io.micropay.server.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.server.ledger.TransferOutcome.Status;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The ledger on a real Derby: every outcome, every boundary, and that failures move nothing. */
@Timeout(60)
class JdbcLedgerTest {
  private static final long MAX = Ledger.MAX_BALANCE_UNITS;

  private String url;
  private JdbcLedger ledger;

  @BeforeEach
  void open() {
    url = "jdbc:derby:memory:ledger-" + UUID.randomUUID() + ";create=true";
    ledger = JdbcLedger.open(url, 4);
    assertEquals(OpenAccountResult.OPENED, ledger.openAccount("alice", 10_000, 0));
    assertEquals(OpenAccountResult.OPENED, ledger.openAccount("bob", 10_000, 0));
  }

  @AfterEach
  void close() {
    ledger.close();
  }

  @Test
  void aTransferMovesMoneyAndWritesOneJournalRow() {
    TransferOutcome outcome = ledger.transfer(new TransferCommand("alice", "bob", 300, null));
    assertEquals(Status.SETTLED, outcome.status());
    assertEquals(OptionalLong.of(9_700), outcome.payerBalanceUnits());
    assertEquals(OptionalLong.of(9_700), ledger.balance("alice"));
    assertEquals(OptionalLong.of(10_300), ledger.balance("bob"));
    List<JournalEntry> journal = ledger.journal("alice", 10);
    assertEquals(JournalEntry.Kind.TRANSFER, journal.get(0).kind());
    assertEquals(300, journal.get(0).amountUnits());
    assertEquals(JournalEntry.Kind.GRANT, journal.get(1).kind());
    assertBalanced(1);
  }

  @Test
  void everyFailureOutcomeMovesNothing() {
    assertEquals(Status.SELF_PAYMENT, status("alice", "alice", 5, null));
    assertEquals(Status.UNKNOWN_PAYEE, status("alice", "carol", 5, null));
    assertEquals(Status.UNKNOWN_PAYER, status("carol", "alice", 5, null));
    assertEquals(Status.INSUFFICIENT_FUNDS, status("alice", "bob", 10_001, null));
    assertEquals(Status.INSUFFICIENT_FUNDS, status("bob", "alice", 10_001, null),
        "reported the same whichever account sorts first");
    assertEquals(OptionalLong.of(10_000), ledger.balance("alice"));
    assertEquals(OptionalLong.of(10_000), ledger.balance("bob"));
    assertBalanced(0);
  }

  @Test
  void aBalanceMayReachExactlyZeroButNotBelow() {
    assertEquals(Status.SETTLED, status("alice", "bob", 10_000, null));
    assertEquals(OptionalLong.of(0), ledger.balance("alice"));
    TransferOutcome broke = ledger.transfer(new TransferCommand("alice", "bob", 1, null));
    assertEquals(Status.INSUFFICIENT_FUNDS, broke.status());
    assertEquals(OptionalLong.of(0), broke.payerBalanceUnits());
    assertBalanced(1);
  }

  @Test
  void aBalanceMayReachExactlyTheMaximumButNotAbove() {
    assertEquals(OpenAccountResult.OPENED, ledger.openAccount("rich", MAX - 10_000, 0));
    assertEquals(Status.SETTLED, status("alice", "rich", 10_000, null));
    assertEquals(OptionalLong.of(MAX), ledger.balance("rich"));
    assertEquals(Status.LIMIT_EXCEEDED, status("bob", "rich", 1, null));
    assertEquals(Status.INSUFFICIENT_FUNDS, status("alice", "rich", 1, null),
        "alice has nothing left, and that is reported before the limit");
    assertEquals(OptionalLong.of(10_000), ledger.balance("bob"));
    assertEquals(DepositResult.LIMIT_EXCEEDED, ledger.deposit("rich", 1));
    assertEquals(OpenAccountResult.LIMIT_EXCEEDED, ledger.openAccount("richer", MAX, 1));
    assertBalanced(1);
  }

  @Test
  void insufficientFundsIsReportedBeforeTheLimit() {
    assertEquals(OpenAccountResult.OPENED, ledger.openAccount("aaron", MAX, 0));
    assertEquals(Status.INSUFFICIENT_FUNDS, status("bob", "aaron", 20_000, null),
        "bob cannot pay 20000 even though aaron is also full");
    assertEquals(Status.LIMIT_EXCEEDED, status("bob", "aaron", 5, null));
    assertEquals(Status.INSUFFICIENT_FUNDS, status("alice", "aaron", 20_000, null));
  }

  @Test
  void theSameIdTwiceSettlesOnce() {
    String id = UUID.randomUUID().toString();
    assertEquals(Status.SETTLED, status("alice", "bob", 300, id));
    assertEquals(Status.ALREADY_SETTLED, status("alice", "bob", 300, id));
    assertEquals(OptionalLong.of(9_700), ledger.balance("alice"));
    assertEquals(Status.DUPLICATE_ID, status("alice", "bob", 301, id));
    assertEquals(OpenAccountResult.OPENED, ledger.openAccount("carol", 0, 0));
    assertEquals(Status.DUPLICATE_ID, status("alice", "carol", 300, id));
    assertEquals(Status.SETTLED, status("bob", "alice", 300, id), "ids belong to their payer");
    assertBalanced(2);
  }

  @Test
  void transfersWithoutIdSettleOncePerCall() {
    assertEquals(Status.SETTLED, status("alice", "bob", 100, null));
    assertEquals(Status.SETTLED, status("alice", "bob", 100, null));
    assertEquals(OptionalLong.of(9_800), ledger.balance("alice"));
    assertBalanced(2);
  }

  @Test
  void aBatchSettlesEachCommandOnItsOwnMerits() {
    String id = UUID.randomUUID().toString();
    assertEquals(Status.SETTLED, status("alice", "bob", 1, id));
    List<TransferOutcome> outcomes = ledger.transferBatch(List.of(
        new TransferCommand("alice", "bob", 6_000, null),
        new TransferCommand("alice", "bob", 5_000, null),
        new TransferCommand("alice", "nobody", 5, null),
        new TransferCommand("alice", "bob", 2, id),
        new TransferCommand("bob", "alice", 1, id),
        new TransferCommand("alice", "bob", 3_999, null)));
    assertEquals(List.of(Status.SETTLED, Status.INSUFFICIENT_FUNDS, Status.UNKNOWN_PAYEE,
        Status.DUPLICATE_ID, Status.SETTLED, Status.SETTLED),
        outcomes.stream().map(TransferOutcome::status).toList());
    assertEquals(OptionalLong.of(1), ledger.balance("alice"), "10000 - 1 - 6000 + 1 - 3999");
    assertBalanced(4);
  }

  @Test
  void depositsNeedAnAccountAndAreJournalled() {
    assertEquals(DepositResult.OK, ledger.deposit("alice", 50));
    assertEquals(DepositResult.UNKNOWN_ACCOUNT, ledger.deposit("nobody", 50));
    assertEquals(OptionalLong.of(10_050), ledger.balance("alice"));
    AuditReport report = ledger.audit();
    assertTrue(report.balanced(), report.describe());
    assertEquals(50, report.totalDepositUnits());
  }

  @Test
  void openingTwiceFailsAndAnOpeningDepositIsItsOwnRow() {
    assertEquals(OpenAccountResult.ALREADY_EXISTS, ledger.openAccount("alice", 10_000, 0));
    assertEquals(OpenAccountResult.OPENED, ledger.openAccount("carol", 10_000, 500));
    assertEquals(OptionalLong.of(10_500), ledger.balance("carol"));
    AuditReport report = ledger.audit();
    assertEquals(30_000, report.totalGrantUnits());
    assertEquals(500, report.totalDepositUnits());
    assertEquals(List.of("alice", "bob", "carol"),
        ledger.accounts().stream().map(AccountBalance::name).toList());
  }

  @Test
  void auditFindsABalanceChangedBehindTheLedgersBack() throws Exception {
    try (Connection connection = DriverManager.getConnection(url);
        PreparedStatement tamper = connection.prepareStatement(
            "UPDATE accounts SET balance = balance + 1 WHERE name = 'bob'")) {
      tamper.executeUpdate();
    }
    AuditReport report = ledger.audit();
    assertFalse(report.balanced());
    assertTrue(report.discrepancies().stream().anyMatch(d -> d.contains("account bob")),
        report.describe());
    assertTrue(report.discrepancies().stream().anyMatch(d -> d.contains("not conserved")),
        report.describe());
  }

  @Test
  void theDatabaseRefusesANegativeBalanceEvenFromOutside() throws Exception {
    try (Connection connection = DriverManager.getConnection(url);
        PreparedStatement overdraw = connection.prepareStatement(
            "UPDATE accounts SET balance = -1 WHERE name = 'bob'")) {
      assertThrows(java.sql.SQLException.class, overdraw::executeUpdate);
    }
  }

  @Test
  void manyTransfersWithoutIdMayShareNullIdsInTheUniqueConstraint() {
    for (int i = 0; i < 20; i++) {
      assertEquals(Status.SETTLED, status("alice", "bob", 1, null));
    }
    assertBalanced(20);
  }

  @Test
  void dataSurvivesCloseAndReopenAndMigrationsRunOnce(@TempDir Path directory) {
    String onDisk = "jdbc:derby:" + directory.resolve("ledger") + ";create=true";
    try (JdbcLedger first = JdbcLedger.open(onDisk, 2)) {
      first.openAccount("alice", 10_000, 0);
      first.openAccount("bob", 10_000, 0);
      first.transfer(new TransferCommand("alice", "bob", 250, "abcdefgh"));
    }
    try (JdbcLedger second = JdbcLedger.open(onDisk, 2)) {
      assertEquals(OptionalLong.of(9_750), second.balance("alice"));
      assertEquals(Status.ALREADY_SETTLED,
          second.transfer(new TransferCommand("alice", "bob", 250, "abcdefgh")).status());
      assertTrue(second.audit().balanced());
    }
  }

  @Test
  void aLedgerInUseByAnotherProcessIsReportedClearly(@TempDir Path directory) {
    LedgerException e = assertThrows(LedgerException.class, () -> JdbcLedger.open(
        "jdbc:derby:" + directory.resolve("absent"), 1));
    assertTrue(e.getMessage().contains("no ledger"), e.getMessage());
  }

  private Status status(String payer, String payee, long amount, String id) {
    return ledger.transfer(new TransferCommand(payer, payee, amount, id)).status();
  }

  private void assertBalanced(long transfers) {
    AuditReport report = ledger.audit();
    assertTrue(report.balanced(), report.describe());
    assertEquals(transfers, report.transferCount());
  }
}
