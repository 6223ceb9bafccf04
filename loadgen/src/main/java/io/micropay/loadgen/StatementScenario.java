package io.micropay.loadgen;

import io.micropay.server.ledger.JdbcLedger;
import io.micropay.server.ledger.Ledgers;
import io.micropay.server.ledger.StatementQuery;
import io.micropay.server.ledger.TransferCommand;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenario 6: a statement of an account with 10 lines among {@code rows} journal rows (Derby,
 * on the data folder's disk), beside the baseline the issue measured: one query with OR over
 * payer and payee, which scans the journal. The journal is filled by doubling it with
 * INSERT ... SELECT (deposits to 64 other accounts), which is fast and needs no settlement; the
 * balances of those accounts do not match their journal, which this bench does not audit.
 */
final class StatementScenario {
  static final String NAME = "6 statement";
  private static final String SCAN = "SELECT entry_id, kind, debit_account, credit_account,"
      + " amount, transfer_id, recorded_at FROM journal WHERE debit_account = ?"
      + " OR credit_account = ? ORDER BY entry_id DESC";

  private final Path directory;
  private final long rows;

  StatementScenario(Path directory, long rows) {
    this.directory = directory;
    this.rows = rows;
  }

  List<Result> run(Measurement measurement) throws Exception {
    List<Result> results = new ArrayList<>();
    try (JdbcLedger ledger = JdbcLedger.open(Ledgers.derbyUrl(directory.resolve("ledger")),
        2)) {
      for (int i = 0; i < 64; i++) {
        ledger.openAccount("other" + i, 1_000_000, 0);
      }
      ledger.openAccount("small", 1_000, 0);
      long total = fill(ledger);
      for (int i = 0; i < 9; i++) {
        ledger.transfer(new TransferCommand("other0", "small", 1, "statement-bench-" + i));
      }
      String rowsText = String.format("%,d rows", total);
      results.add(measurement.run(NAME, "baseline: OR query, " + rowsText, 1, i -> () ->
          ledger.database().inTransaction(connection -> {
            try (PreparedStatement scan = connection.prepareStatement(SCAN)) {
              scan.setString(1, "small");
              scan.setString(2, "small");
              int found = 0;
              try (ResultSet result = scan.executeQuery()) {
                while (result.next()) {
                  found++;
                }
              }
              connection.commit();
              return found;
            }
          }), "the per-account query before the index, 10 lines"));
      results.add(measurement.run(NAME, "statement, " + rowsText, 1, i -> () -> {
        int found = ledger.statement("small", new StatementQuery(100, 0, null, null)).size();
        if (found != 10) {
          throw new IllegalStateException("the statement has " + found + " lines, not 10");
        }
      }, "STATEMENT#100 of an account with 10 lines"));
    }
    return results;
  }

  /** Doubles the journal until it holds at least {@code rows}; returns how many it holds. */
  private long fill(JdbcLedger ledger) {
    return ledger.database().inTransaction(connection -> {
      long count;
      try (Statement statement = connection.createStatement()) {
        for (count = count(statement); count < rows; count = count(statement)) {
          statement.executeUpdate("INSERT INTO journal (kind, credit_account, amount,"
              + " recorded_at, credit_balance_after) SELECT 'DEPOSIT', credit_account, amount,"
              + " recorded_at, credit_balance_after FROM journal WHERE credit_account <> 'small'"
              + " AND entry_id <= " + Math.max(64, rows - count));
          connection.commit();
        }
      }
      return count;
    });
  }

  private static long count(Statement statement) throws java.sql.SQLException {
    try (ResultSet result = statement.executeQuery("SELECT COUNT(*) FROM journal")) {
      result.next();
      return result.getLong(1);
    }
  }
}
