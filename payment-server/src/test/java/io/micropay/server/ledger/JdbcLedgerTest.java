package io.micropay.server.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.server.ledger.TransferOutcome.Status;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ledger on a real (in-memory) Derby: every outcome, the order of the checks, every limit at
 * its boundary, and that a refused transfer moves nothing. alice and bob open with 10000 each.
 */
@Timeout(60)
class JdbcLedgerTest {
  /** The database every test here runs on; PostgresJdbcLedgerTest runs them all on PostgreSQL. */
  Dialect dialect() {
    return Dialect.DERBY;
  }

  String freshUrl(String prefix) {
    return TestLedgers.freshUrl(dialect(), prefix);
  }
  private static final long MAX = Ledger.MAX_BALANCE_UNITS;

  private JdbcLedger ledger;

  @BeforeEach
  void open() {
    ledger = JdbcLedger.open(freshUrl("ledger"), 4);
    assertEquals(OpenAccountResult.OPENED, ledger.openAccount("alice", 10_000, 0));
    assertEquals(OpenAccountResult.OPENED, ledger.openAccount("bob", 10_000, 0));
  }

  @AfterEach
  void close() {
    ledger.close();
  }

  @Test
  void aSettledTransferMovesMoneyReportsThePayerBalanceAndWritesOneJournalRow() {
    TransferOutcome outcome = ledger.transfer(new TransferCommand("alice", "bob", 300, null));
    assertEquals(Status.SETTLED, outcome.status());
    assertTrue(outcome.succeeded());
    assertEquals(OptionalLong.of(9_700), outcome.payerBalanceUnits());
    assertEquals(OptionalLong.of(9_700), ledger.balance("alice"));
    assertEquals(OptionalLong.of(10_300), ledger.balance("bob"));
    List<JournalEntry> journal = ledger.journal("alice", 10);
    assertEquals(2, journal.size());
    JournalEntry transfer = journal.get(0);
    assertEquals(JournalEntry.Kind.TRANSFER, transfer.kind());
    assertEquals("alice", transfer.debitAccount());
    assertEquals("bob", transfer.creditAccount());
    assertEquals(300, transfer.amountUnits());
    assertEquals(JournalEntry.Kind.GRANT, journal.get(1).kind());
    assertBalancedWithTransfers(1);
  }

  @Test
  void aSelfPaymentIsRefusedAndMovesNothing() {
    TransferOutcome outcome = ledger.transfer(new TransferCommand("alice", "alice", 5, null));
    assertEquals(Status.SELF_PAYMENT, outcome.status());
    assertEquals(OptionalLong.of(10_000), outcome.payerBalanceUnits());
    assertNothingMoved();
  }

  @Test
  void anUnknownPayeeIsRefusedAndMovesNothing() {
    TransferOutcome outcome = ledger.transfer(new TransferCommand("alice", "carol", 5, null));
    assertEquals(Status.UNKNOWN_PAYEE, outcome.status());
    assertEquals(OptionalLong.of(10_000), outcome.payerBalanceUnits());
    assertNothingMoved();
  }

  @Test
  void anUnknownPayerIsRefusedWithoutABalanceAndMovesNothing() {
    TransferOutcome outcome = ledger.transfer(new TransferCommand("carol", "alice", 5, null));
    assertEquals(Status.UNKNOWN_PAYER, outcome.status());
    assertEquals(OptionalLong.empty(), outcome.payerBalanceUnits());
    assertNothingMoved();
  }

  @Test
  void insufficientFundsIsRefusedWithThePayerBalanceWhicheverNameSortsFirstAndMovesNothing() {
    TransferOutcome aliceToBob = ledger.transfer(new TransferCommand("alice", "bob", 10_001,
        null));
    assertEquals(Status.INSUFFICIENT_FUNDS, aliceToBob.status());
    assertEquals(OptionalLong.of(10_000), aliceToBob.payerBalanceUnits(),
        "the peer shows: insufficient funds (balance 10000)");
    assertEquals(Status.INSUFFICIENT_FUNDS, status("bob", "alice", 10_001, null));
    assertNothingMoved();
  }

  @Test
  void aTransferThatWouldPassThePayeeMaximumIsRefusedAndMovesNothing() {
    assertEquals(OpenAccountResult.OPENED, ledger.openAccount("rich", MAX, 0));
    assertEquals(Status.LIMIT_EXCEEDED, status("alice", "rich", 1, null));
    assertEquals(Status.LIMIT_EXCEEDED, status("bob", "rich", 1, null));
    assertEquals(OptionalLong.of(MAX), ledger.balance("rich"));
    assertNothingMoved();
  }

  @Test
  void checksRunInTheProtocolOrderAndTheFirstFailureIsTheOutcome() {
    String id = "order-" + UUID.randomUUID();
    assertEquals(Status.SETTLED, status("alice", "bob", 10_000, id));
    assertEquals(Status.SELF_PAYMENT, status("carol", "carol", 5, null),
        "self payment is decided before the payer is looked up");
    assertEquals(Status.UNKNOWN_PAYEE, status("alice", "carol", 10_000, id),
        "unknown payee before the id");
    assertEquals(Status.DUPLICATE_ID, status("alice", "bob", 999_999, id),
        "a reused id before insufficient funds");
    assertEquals(Status.ALREADY_SETTLED, status("alice", "bob", 10_000, id),
        "a repeated report is answered OK although alice could not pay it again");
    assertEquals(OpenAccountResult.OPENED, ledger.openAccount("aaron", MAX, 0));
    assertEquals(Status.INSUFFICIENT_FUNDS, status("bob", "aaron", 30_000, null),
        "insufficient funds before the payee's limit");
    assertEquals(Status.LIMIT_EXCEEDED, status("bob", "aaron", 5, null));
    assertBalancedWithTransfers(1);
  }

  @Test
  void aBalanceMayReachExactlyZeroButNotOneBelow() {
    assertEquals(Status.SETTLED, status("alice", "bob", 10_000, null));
    assertEquals(OptionalLong.of(0), ledger.balance("alice"));
    TransferOutcome broke = ledger.transfer(new TransferCommand("alice", "bob", 1, null));
    assertEquals(Status.INSUFFICIENT_FUNDS, broke.status());
    assertEquals(OptionalLong.of(0), broke.payerBalanceUnits());
    assertEquals(OptionalLong.of(20_000), ledger.balance("bob"));
    assertBalancedWithTransfers(1);
  }

  @Test
  void aTransferMayFillAPayeeToExactlyTheMaximumButNotOneMore() {
    assertEquals(OpenAccountResult.OPENED, ledger.openAccount("rich", MAX - 10_000, 0));
    assertEquals(Status.SETTLED, status("alice", "rich", 10_000, null));
    assertEquals(OptionalLong.of(MAX), ledger.balance("rich"));
    assertEquals(Status.LIMIT_EXCEEDED, status("bob", "rich", 1, null));
    assertEquals(OptionalLong.of(10_000), ledger.balance("bob"));
    assertEquals(OptionalLong.of(MAX), ledger.balance("rich"));
    assertBalancedWithTransfers(1);
  }

  @Test
  void aDepositMayFillAnAccountToExactlyTheMaximumButNotOneMore() {
    assertEquals(OpenAccountResult.OPENED, ledger.openAccount("saver", MAX - 50, 0));
    assertEquals(DepositResult.OK, ledger.deposit("saver", 50));
    assertEquals(OptionalLong.of(MAX), ledger.balance("saver"));
    assertEquals(DepositResult.LIMIT_EXCEEDED, ledger.deposit("saver", 1));
    assertEquals(OptionalLong.of(MAX), ledger.balance("saver"));
    AuditReport report = ledger.audit();
    assertTrue(report.balanced(), report.describe());
    assertEquals(50, report.totalDepositUnits());
  }

  @Test
  void anAccountMayOpenWithExactlyTheMaximumButNotOneMore() {
    assertEquals(OpenAccountResult.OPENED, ledger.openAccount("full", MAX, 0));
    assertEquals(OpenAccountResult.OPENED, ledger.openAccount("half", MAX - 5, 5));
    assertEquals(OpenAccountResult.LIMIT_EXCEEDED, ledger.openAccount("over", MAX, 1));
    assertEquals(OpenAccountResult.LIMIT_EXCEEDED, ledger.openAccount("over", 1, MAX));
    assertEquals(OpenAccountResult.LIMIT_EXCEEDED,
        ledger.openAccount("over", Long.MAX_VALUE, Long.MAX_VALUE), "no overflow into a sum");
    assertEquals(OptionalLong.empty(), ledger.balance("over"));
    assertTrue(ledger.audit().balanced());
  }

  @Test
  void aDepositNeedsAnAccountAndIsJournalled() {
    assertEquals(DepositResult.OK, ledger.deposit("alice", 50));
    assertEquals(DepositResult.UNKNOWN_ACCOUNT, ledger.deposit("nobody", 50));
    assertEquals(OptionalLong.of(10_050), ledger.balance("alice"));
    assertEquals(OptionalLong.empty(), ledger.balance("nobody"));
    JournalEntry deposit = ledger.journal("alice", 1).get(0);
    assertEquals(JournalEntry.Kind.DEPOSIT, deposit.kind());
    assertEquals(null, deposit.debitAccount());
    assertEquals(50, deposit.amountUnits());
    AuditReport report = ledger.audit();
    assertTrue(report.balanced(), report.describe());
    assertEquals(50, report.totalDepositUnits());
  }

  @Test
  void openingATakenNameChangesNothingAndAnOpeningDepositIsItsOwnJournalRow() {
    assertEquals(OpenAccountResult.ALREADY_EXISTS, ledger.openAccount("alice", 99, 1));
    assertEquals(OptionalLong.of(10_000), ledger.balance("alice"));
    assertEquals(OpenAccountResult.OPENED, ledger.openAccount("carol", 10_000, 500));
    assertEquals(OptionalLong.of(10_500), ledger.balance("carol"));
    assertEquals(List.of(JournalEntry.Kind.DEPOSIT, JournalEntry.Kind.GRANT),
        ledger.journal("carol", 10).stream().map(JournalEntry::kind).toList());
    AuditReport report = ledger.audit();
    assertTrue(report.balanced(), report.describe());
    assertEquals(30_000, report.totalGrantUnits());
    assertEquals(500, report.totalDepositUnits());
    assertEquals(3, report.accountCount());
  }

  @Test
  void namesAreCaseSensitiveAndAccountsAreListedInJavaStringOrder() {
    assertEquals(OpenAccountResult.OPENED, ledger.openAccount("Bob", 1, 0));
    assertEquals(OpenAccountResult.OPENED, ledger.openAccount("zed", 1, 0));
    assertEquals(OpenAccountResult.OPENED, ledger.openAccount("Alice", 1, 0));
    List<String> names = ledger.accounts().stream().map(AccountBalance::name).toList();
    List<String> sorted = new ArrayList<>(names);
    Collections.sort(sorted);
    assertEquals(List.of("Alice", "Bob", "alice", "bob", "zed"), names);
    assertEquals(sorted, names);
    assertEquals(Status.SETTLED, status("Bob", "bob", 1, null), "Bob and bob are two accounts");
  }

  @Test
  void theJournalOfAnAccountIsNewestFirstAndStopsAtMaxEntries() {
    for (int amount = 1; amount <= 5; amount++) {
      assertEquals(Status.SETTLED, status("alice", "bob", amount, null));
    }
    List<JournalEntry> newest = ledger.journal("bob", 3);
    assertEquals(List.of(5L, 4L, 3L), newest.stream().map(JournalEntry::amountUnits).toList());
    assertTrue(newest.get(0).entryId() > newest.get(1).entryId());
    assertEquals(6, ledger.journal("bob", 100).size(), "five transfers and the grant");
    assertEquals(List.of(), ledger.journal("nobody", 10));
  }

  @Test
  void argumentsTheLedgerCouldNotStoreAreRefusedAsProgrammerErrors() {
    assertThrows(IllegalArgumentException.class, () -> ledger.openAccount("x".repeat(33), 1, 0));
    assertThrows(IllegalArgumentException.class, () -> ledger.openAccount("", 1, 0));
    assertThrows(IllegalArgumentException.class, () -> ledger.openAccount("carol", -1, 0));
    assertThrows(IllegalArgumentException.class, () -> ledger.deposit("alice", 0));
    assertThrows(IllegalArgumentException.class, () -> ledger.journal("alice", 0));
    assertThrows(IllegalArgumentException.class,
        () -> new TransferCommand("alice", "bob", 0, null));
    assertThrows(IllegalArgumentException.class,
        () -> new TransferCommand("alice", "bob", 1, "x".repeat(65)));
    assertEquals(OpenAccountResult.OPENED, ledger.openAccount("x".repeat(32), 1, 0));
    assertEquals(Status.SETTLED, status("alice", "bob", 1, "x".repeat(64)));
  }

  @Test
  void aClosedLedgerRefusesWorkAndClosingTwiceIsHarmless() {
    ledger.close();
    ledger.close();
    LedgerException e = assertThrows(LedgerException.class, () -> ledger.balance("alice"));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }

  private Status status(String payer, String payee, long amount, String id) {
    return ledger.transfer(new TransferCommand(payer, payee, amount, id)).status();
  }

  private void assertNothingMoved() {
    assertEquals(OptionalLong.of(10_000), ledger.balance("alice"));
    assertEquals(OptionalLong.of(10_000), ledger.balance("bob"));
    assertEquals(1, ledger.journal("alice", 10).size(), "only alice's grant");
    assertEquals(1, ledger.journal("bob", 10).size(), "only bob's grant");
    assertBalancedWithTransfers(0);
  }

  private void assertBalancedWithTransfers(long transfers) {
    AuditReport report = ledger.audit();
    assertTrue(report.balanced(), report.describe());
    assertEquals(transfers, report.transferCount(), report.describe());
  }
}
