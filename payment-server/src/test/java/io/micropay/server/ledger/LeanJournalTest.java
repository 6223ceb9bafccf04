package io.micropay.server.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Schema step 2 takes the foreign keys off the journal for insert speed; the audit then has to
 * find what they used to refuse: a journal row naming an account that does not exist.
 */
class LeanJournalTest {
  @Test
  void theJournalHasNoForeignKeysAndTheAuditFindsOrphanRows() throws Exception {
    String url = Ledgers.derbyInMemoryUrl("lean-" + UUID.randomUUID());
    try (JdbcLedger ledger = JdbcLedger.open(url, 2)) {
      ledger.openAccount("alice", 100, 0);
      try (Connection connection = DriverManager.getConnection(url);
          ResultSet keys = connection.getMetaData().getImportedKeys(null, null, "JOURNAL")) {
        assertFalse(keys.next(), "no foreign keys left on the journal");
        try (Statement statement = connection.createStatement()) {
          statement.executeUpdate("INSERT INTO journal (kind, debit_account, credit_account,"
              + " amount, transfer_id, recorded_at) VALUES ('DEPOSIT', NULL, 'ghost', 5, NULL,"
              + " CURRENT_TIMESTAMP)");
        }
      }
      AuditReport report = ledger.audit();
      assertFalse(report.balanced());
      assertTrue(report.discrepancies().contains(
          "1 journal rows name an account that does not exist"), report.describe());
    }
  }

  @Test
  void everyStepRunsAndTheVersionIsTheCurrentOne() throws Exception {
    String url = Ledgers.derbyInMemoryUrl("steps-" + UUID.randomUUID());
    try (JdbcLedger ledger = JdbcLedger.open(url, 1);
        Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement();
        ResultSet version = statement.executeQuery("SELECT version FROM schema_version")) {
      assertTrue(version.next());
      assertEquals(SchemaMigrations.CURRENT_VERSION, version.getInt(1));
      assertTrue(ledger.audit().balanced());
    }
  }
}
