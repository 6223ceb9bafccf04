package io.micropay.server.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Schema step 3: what statements and receipts need in the journal. The same SQL on Derby and
 * PostgreSQL.
 * <ul>
 *   <li>{@code memo}: the payer's note on a transfer (at most 140 characters).</li>
 *   <li>{@code debit_balance_after}, {@code credit_balance_after}: each account's balance right
 *       after the row, as the transaction that wrote it decided it under lock, so a statement
 *       shows it without summing the account's history. Rows written before this step have
 *       none (NULL): working them out would read the whole journal in the migration.</li>
 *   <li>An index on (credit_account, entry_id): a statement is the rows an account paid, found
 *       by the unique index on (debit_account, transfer_id), and the rows it received, which
 *       until now only a scan of the whole journal found (250-500 ms at 835,000 rows). The debit
 *       side gets no second index: every journal insert pays for each index, and the payer's
 *       rows are already found by the unique one.</li>
 * </ul>
 */
final class StatementColumns {
  /** The step, for {@link SchemaMigrations#STEPS}. */
  static final SchemaMigrations.Step STEP = StatementColumns::apply;

  private StatementColumns() {
  }

  private static void apply(Connection connection, Dialect dialect) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("ALTER TABLE journal ADD COLUMN memo VARCHAR(140)");
      statement.execute("ALTER TABLE journal ADD COLUMN debit_balance_after BIGINT");
      statement.execute("ALTER TABLE journal ADD COLUMN credit_balance_after BIGINT");
      statement.execute("CREATE INDEX journal_credit_entry ON journal (credit_account, entry_id)");
    }
  }
}
