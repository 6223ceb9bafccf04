package io.micropay.server.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.server.ledger.TransferOutcome.Status;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Numbered migrations: a fresh database is brought up to date, and nothing runs twice. */
@Timeout(60)
class SchemaMigrationsTest {
  /** The database every test here runs on; PostgresSchemaMigrationsTest runs them all on PostgreSQL. */
  Dialect dialect() {
    return Dialect.DERBY;
  }

  String freshUrl(String prefix) {
    return TestLedgers.freshUrl(dialect(), prefix);
  }

  @Test
  void aFreshDatabaseIsMigratedToTheCurrentVersionWithOneVersionRow() throws Exception {
    String url = freshUrl("fresh");
    try (JdbcLedger ledger = JdbcLedger.open(url, 1);
        Connection connection = DriverManager.getConnection(url)) {
      assertEquals(List.of(SchemaMigrations.CURRENT_VERSION), versionRows(connection));
    }
  }

  @Test
  void migratingAnUpToDateDatabaseAgainIsANoOpThatKeepsTheData() throws Exception {
    String url = freshUrl("again");
    try (JdbcLedger ledger = JdbcLedger.open(url, 1);
        Connection connection = DriverManager.getConnection(url)) {
      ledger.openAccount("alice", 10_000, 0);
      connection.setAutoCommit(false);
      assertEquals(SchemaMigrations.CURRENT_VERSION, SchemaMigrations.migrate(connection, dialect()));
      assertEquals(SchemaMigrations.CURRENT_VERSION, SchemaMigrations.migrate(connection, dialect()));
      assertEquals(List.of(SchemaMigrations.CURRENT_VERSION), versionRows(connection));
      connection.commit();
      assertEquals(OptionalLong.of(10_000), ledger.balance("alice"));
      assertTrue(ledger.audit().balanced());
    }
  }

  @Test
  void aDatabaseNewerThanTheCodeIsRefusedWithAClearError() throws Exception {
    String url = freshUrl("newer");
    // Prepared by hand as a newer server would have left it.
    try (Connection connection = DriverManager.getConnection(url)) {
      connection.setAutoCommit(false);
      assertEquals(SchemaMigrations.CURRENT_VERSION, SchemaMigrations.migrate(connection, dialect()));
      try (PreparedStatement bump = connection.prepareStatement(
          "UPDATE schema_version SET version = ?")) {
        bump.setInt(1, SchemaMigrations.CURRENT_VERSION + 1);
        bump.executeUpdate();
      }
      connection.commit();
    }
    // The refused open closes what it opened, which drops this in-memory database.
    LedgerException refused = assertThrows(LedgerException.class, () -> JdbcLedger.open(url, 1));
    assertTrue(refused.getMessage().contains(
        "version " + (SchemaMigrations.CURRENT_VERSION + 1)), refused.getMessage());
    assertTrue(refused.getMessage().contains("newer"), refused.getMessage());
  }

  @Test
  void reopeningAnOnDiskLedgerKeepsItsDataAndMigratesNothing(@TempDir Path directory)
      throws Exception {
    String url = dialect() == Dialect.DERBY ? Ledgers.derbyUrl(directory) : freshUrl("reopen");
    try (JdbcLedger first = JdbcLedger.open(url, 2)) {
      first.openAccount("alice", 10_000, 0);
      first.openAccount("bob", 10_000, 25);
      assertEquals(Status.SETTLED,
          first.transfer(new TransferCommand("alice", "bob", 250, null)).status());
    }
    try (JdbcLedger second = JdbcLedger.open(url, 2)) {
      assertEquals(OptionalLong.of(9_750), second.balance("alice"));
      assertEquals(OptionalLong.of(10_275), second.balance("bob"));
      AuditReport report = second.audit();
      assertTrue(report.balanced(), report.describe());
      assertEquals(4, report.journalRows(), "two grants, a deposit, a transfer");
      try (Connection connection = DriverManager.getConnection(url)) {
        assertEquals(List.of(SchemaMigrations.CURRENT_VERSION), versionRows(connection));
      }
    }
  }

  @Test
  void aDatabaseTheVersionBeforeLeftIsMigratedWithItsDataAndItsJournalLosesItsForeignKeys()
      throws Exception {
    String url = freshUrl("previous");
    int previous = SchemaMigrations.CURRENT_VERSION - 1;
    try (Connection connection = DriverManager.getConnection(url)) {
      connection.setAutoCommit(false);
      assertEquals(previous, SchemaMigrations.migrate(connection, dialect(), previous));
      try (Statement statement = connection.createStatement()) {
        statement.executeUpdate("INSERT INTO accounts (name, balance, opened_at)"
            + " VALUES ('alice', 700, CURRENT_TIMESTAMP)");
        statement.executeUpdate("INSERT INTO journal (kind, credit_account, amount, recorded_at)"
            + " VALUES ('GRANT', 'alice', 700, CURRENT_TIMESTAMP)");
      }
      connection.commit();
      assertEquals(1, foreignKeysOfTheJournal(connection), "version 1 has two foreign keys");
      connection.rollback();
    }
    try (JdbcLedger ledger = JdbcLedger.open(url, 1);
        Connection connection = DriverManager.getConnection(url)) {
      assertEquals(List.of(SchemaMigrations.CURRENT_VERSION), versionRows(connection));
      assertEquals(0, foreignKeysOfTheJournal(connection));
      assertEquals(OptionalLong.of(700), ledger.balance("alice"));
      ledger.openAccount("bob", 0, 0);
      assertEquals(Status.SETTLED,
          ledger.transfer(new TransferCommand("alice", "bob", 200, "after-upgrade")).status());
      AuditReport report = ledger.audit();
      assertTrue(report.balanced(), report.describe());
    }
  }

  /** 1 when the journal has foreign keys (to accounts), 0 when it has none. */
  private int foreignKeysOfTheJournal(Connection connection) throws SQLException {
    String table = dialect() == Dialect.DERBY ? "JOURNAL" : "journal";
    try (ResultSet keys = connection.getMetaData().getImportedKeys(null, null, table)) {
      return keys.next() ? 1 : 0;
    }
  }

  private static List<Integer> versionRows(Connection connection) throws SQLException {
    List<Integer> versions = new ArrayList<>();
    try (PreparedStatement query = connection.prepareStatement(
            "SELECT version FROM schema_version");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        versions.add(rows.getInt(1));
      }
    }
    return versions;
  }
}
