package io.micropay.server.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The reads of statements and receipts: an account's journal rows by index, newest first, and
 * one transfer's row by its payer and id. Read only; each call commits its read.
 */
final class AccountStatements {
  private static final String COLUMNS = "entry_id, kind, debit_account, credit_account, amount,"
      + " debit_balance_after, credit_balance_after, transfer_id, memo, recorded_at";
  /**
   * Two index lookups joined by UNION ALL: one OR would make Derby scan the whole journal. No
   * row is in both halves, since a transfer's payer is never its payee and grants and deposits
   * have no payer. Absent bounds are sent as values no row passes, so that there is one text.
   */
  private static final String STATEMENT = "SELECT " + COLUMNS + " FROM journal"
      + " WHERE debit_account = ? AND entry_id < ? AND recorded_at >= ? AND recorded_at < ?"
      + " UNION ALL SELECT " + COLUMNS + " FROM journal"
      + " WHERE credit_account = ? AND entry_id < ? AND recorded_at >= ? AND recorded_at < ?"
      + " ORDER BY entry_id DESC";
  private static final String TRANSFER = "SELECT " + COLUMNS + " FROM journal"
      + " WHERE debit_account = ? AND transfer_id = ?";
  /** Older than every row: the journal began after 1970. */
  private static final Timestamp NO_START = Timestamp.from(Instant.EPOCH);
  /** Newer than every row; both databases store years up to 9999. */
  private static final Timestamp NO_END = Timestamp.from(Instant.parse("9999-01-01T00:00:00Z"));

  private AccountStatements() {
  }

  /** Up to {@code query.limit() + 1} rows of {@code account}, newest first. */
  static List<JournalRecord> read(Connection connection, String account, StatementQuery query)
      throws SQLException {
    List<JournalRecord> records = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(STATEMENT)) {
      long before = query.beforeEntry() == 0 ? Long.MAX_VALUE : query.beforeEntry();
      Timestamp since = query.since() == null ? NO_START : Timestamp.from(query.since());
      Timestamp until = query.until() == null ? NO_END : Timestamp.from(query.until());
      for (int half = 0; half < 2; half++) {
        select.setString(half * 4 + 1, account);
        select.setLong(half * 4 + 2, before);
        select.setTimestamp(half * 4 + 3, since);
        select.setTimestamp(half * 4 + 4, until);
      }
      select.setMaxRows(query.limit() + 1);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          records.add(record(rows));
        }
      }
    }
    connection.commit();
    return records;
  }

  /** The row of {@code payer}'s transfer {@code transferId}, if it settled. */
  static Optional<JournalRecord> transfer(Connection connection, String payer,
      String transferId) throws SQLException {
    Optional<JournalRecord> found;
    try (PreparedStatement select = connection.prepareStatement(TRANSFER)) {
      select.setString(1, payer);
      select.setString(2, transferId);
      try (ResultSet rows = select.executeQuery()) {
        found = rows.next() ? Optional.of(record(rows)) : Optional.empty();
      }
    }
    connection.commit();
    return found;
  }

  private static JournalRecord record(ResultSet rows) throws SQLException {
    return new JournalRecord(rows.getLong(1), JournalEntry.Kind.valueOf(rows.getString(2)),
        rows.getString(3), rows.getString(4), rows.getLong(5), balanceOrNone(rows, 6),
        balanceOrNone(rows, 7), rows.getString(8), rows.getString(9),
        rows.getTimestamp(10).toInstant());
  }

  private static long balanceOrNone(ResultSet rows, int column) throws SQLException {
    long balance = rows.getLong(column);
    return rows.wasNull() ? -1 : balance;
  }
}
