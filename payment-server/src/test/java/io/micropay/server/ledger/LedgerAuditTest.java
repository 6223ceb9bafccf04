package io.micropay.server.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The conservation-of-money audit: its totals on honest books, and that it catches books
 * changed behind the ledger's back with plain JDBC. alice and bob open with 10000 each, bob
 * also deposits 500, and alice pays bob 300.
 */
@Timeout(60)
class LedgerAuditTest {
  /** The database every test here runs on; PostgresLedgerAuditTest runs them all on PostgreSQL. */
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
    url = freshUrl("audit");
    ledger = JdbcLedger.open(url, 2);
    ledger.openAccount("alice", 10_000, 0);
    ledger.openAccount("bob", 10_000, 500);
    ledger.transfer(new TransferCommand("alice", "bob", 300, null));
  }

  @AfterEach
  void close() {
    ledger.close();
  }

  @Test
  void honestBooksBalanceAndTheReportCountsEverything() {
    AuditReport report = ledger.audit();
    assertTrue(report.balanced(), report.describe());
    assertEquals(List.of(), report.discrepancies());
    assertEquals(2, report.accountCount());
    assertEquals(4, report.journalRows(), "two grants, a deposit, a transfer");
    assertEquals(1, report.transferCount());
    assertEquals(20_500, report.totalBalanceUnits());
    assertEquals(20_000, report.totalGrantUnits());
    assertEquals(500, report.totalDepositUnits());
  }

  @Test
  void theReportReadsAsSeveralLinesThatSayWhetherTheBooksBalance() {
    String text = ledger.audit().describe();
    assertTrue(text.startsWith("BALANCED\n"), text);
    assertTrue(text.contains("sum of balances:   20500"), text);
    assertTrue(text.contains("20000 + 500 = 20500"), text);
    assertEquals(text, ledger.audit().toString());
  }

  @Test
  void aBalanceChangedBehindTheLedgersBackIsFoundAndNamed() throws Exception {
    execute("UPDATE accounts SET balance = balance + 1 WHERE name = 'bob'");
    AuditReport report = ledger.audit();
    assertFalse(report.balanced());
    assertTrue(report.discrepancies().stream().anyMatch(d -> d.contains("account bob has "
        + "balance 10801 but its journal adds up to 10800")), report.describe());
    assertTrue(report.discrepancies().stream().anyMatch(d -> d.contains("not conserved")),
        report.describe());
    assertTrue(report.describe().startsWith("NOT BALANCED"), report.describe());
    assertTrue(report.describe().contains("PROBLEM: account bob"), report.describe());
  }

  @Test
  void aTransferRowAddedWithoutMovingMoneyIsFoundInBothAccountsThoughTheTotalStillAgrees()
      throws Exception {
    execute("INSERT INTO journal (kind, debit_account, credit_account, amount, recorded_at)"
        + " VALUES ('TRANSFER', 'alice', 'bob', 5, CURRENT_TIMESTAMP)");
    AuditReport report = ledger.audit();
    assertFalse(report.balanced());
    assertEquals(2, report.discrepancies().size(), report.describe());
    assertTrue(report.discrepancies().get(0).startsWith("account alice"), report.describe());
    assertTrue(report.discrepancies().get(1).startsWith("account bob"), report.describe());
  }

  @Test
  void moneyGrantedWithoutAJournalRowBreaksConservation() throws Exception {
    execute("INSERT INTO accounts (name, balance, opened_at) VALUES ('mallory', 1000000,"
        + " CURRENT_TIMESTAMP)");
    AuditReport report = ledger.audit();
    assertFalse(report.balanced());
    assertTrue(report.discrepancies().stream().anyMatch(d -> d.contains("account mallory")),
        report.describe());
    assertTrue(report.discrepancies().stream().anyMatch(d -> d.contains("difference 1000000")),
        report.describe());
  }

  @Test
  void theDatabaseRefusesABalanceOutsideItsRangeEvenFromOutside() {
    SQLException negative = assertThrows(SQLException.class,
        () -> execute("UPDATE accounts SET balance = -1 WHERE name = 'bob'"));
    // A CHECK constraint violation: Derby's SQLState, and the standard one PostgreSQL uses.
    String checkViolation = dialect() == Dialect.DERBY ? "23513" : "23514";
    assertEquals(checkViolation, negative.getSQLState(), "a CHECK constraint violation");
    SQLException tooMuch = assertThrows(SQLException.class,
        () -> execute("UPDATE accounts SET balance = " + (Ledger.MAX_BALANCE_UNITS + 1)
            + " WHERE name = 'bob'"));
    assertEquals(checkViolation, tooMuch.getSQLState());
    assertTrue(ledger.audit().balanced());
  }

  private void execute(String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url);
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.executeUpdate();
    }
  }
}
