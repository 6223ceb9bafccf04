package io.micropay.server.ledger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Read-only questions about the journal for the operator endpoint that the {@link Ledger}
 * interface does not ask: the newest transfers of every account. It works on a connection of its
 * own, opened per question and read-only, so it never competes with settlement for the ledger's
 * pool and can change nothing.
 */
public final class TransferHistory {
  /** The most rows one question returns. */
  public static final int MAX_ENTRIES = 1_000;

  private final String url;

  public TransferHistory(String url) {
    this.url = url;
  }

  /**
   * The newest {@code maxEntries} transfers, newest first.
   *
   * @throws IllegalArgumentException if {@code maxEntries} is not 1 to {@link #MAX_ENTRIES}
   * @throws LedgerException if the database cannot be asked
   */
  public List<JournalEntry> latestTransfers(int maxEntries) {
    if (maxEntries < 1 || maxEntries > MAX_ENTRIES) {
      throw new IllegalArgumentException("maxEntries must be 1.." + MAX_ENTRIES + ", was "
          + maxEntries);
    }
    try (Connection connection = DriverManager.getConnection(url)) {
      connection.setReadOnly(true);
      connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      try (PreparedStatement query = connection.prepareStatement(
          "SELECT entry_id, kind, debit_account, credit_account, amount, transfer_id,"
              + " recorded_at FROM journal WHERE kind = 'TRANSFER' ORDER BY entry_id DESC")) {
        query.setMaxRows(maxEntries);
        query.setFetchSize(Math.min(maxEntries, 100));
        List<JournalEntry> entries = new ArrayList<>();
        try (ResultSet rows = query.executeQuery()) {
          while (rows.next()) {
            entries.add(new JournalEntry(rows.getLong(1),
                JournalEntry.Kind.valueOf(rows.getString(2)), rows.getString(3),
                rows.getString(4), rows.getLong(5), rows.getString(6),
                rows.getTimestamp(7).toInstant()));
          }
        }
        return entries;
      }
    } catch (SQLException e) {
      throw new LedgerException("cannot read the journal: " + e.getMessage(), e);
    }
  }
}
