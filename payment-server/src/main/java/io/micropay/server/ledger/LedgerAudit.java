package io.micropay.server.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The conservation-of-money check. It first takes SHARE locks on both tables, accounts then
 * journal, so that it reads one state of the books even while transfers go on: writers wait
 * for it briefly, and it waits for the writers already under way to commit.
 *
 * <p>Why table locks rather than SERIALIZABLE: on Derby a serializable scan takes its locks as it
 * reads, in whatever order the optimizer picks, and could deadlock with a transfer that holds an
 * account row and wants to append to the journal. Every writer touches accounts before journal,
 * and so does this, so nobody waits in a cycle. {@code LOCK TABLE ... IN SHARE MODE} is the same
 * statement on Derby and PostgreSQL.
 */
final class LedgerAudit {
  /** How many per-account problems the report lists before it only counts them. */
  private static final int MAX_LISTED_PROBLEMS = 100;

  private LedgerAudit() {
  }

  /** Audits the books in one transaction on {@code connection}, which it ends. */
  static AuditReport run(Connection connection) throws SQLException {
    try (PreparedStatement lockAccounts = connection.prepareStatement(
            "LOCK TABLE accounts IN SHARE MODE");
        PreparedStatement lockJournal = connection.prepareStatement(
            "LOCK TABLE journal IN SHARE MODE")) {
      lockAccounts.execute();
      lockJournal.execute();
    }
    AuditReport report = audit(connection);
    // Read-only: rolling back releases the locks just as a commit would.
    connection.rollback();
    return report;
  }

  private static AuditReport audit(Connection connection) throws SQLException {
    List<String> problems = new ArrayList<>();
    long accounts = 0;
    long totalBalance = 0;
    int accountProblems = 0;
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT a.name, a.balance, COALESCE(c.total, 0), COALESCE(d.total, 0) FROM accounts a"
            + " LEFT JOIN (SELECT credit_account, SUM(amount) AS total FROM journal"
            + " GROUP BY credit_account) c ON c.credit_account = a.name"
            + " LEFT JOIN (SELECT debit_account, SUM(amount) AS total FROM journal"
            + " WHERE debit_account IS NOT NULL GROUP BY debit_account) d"
            + " ON d.debit_account = a.name ORDER BY a.name");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        accounts++;
        String name = rows.getString(1);
        long balance = rows.getLong(2);
        long expected = rows.getLong(3) - rows.getLong(4);
        totalBalance += balance;
        String problem = accountProblem(name, balance, expected);
        if (problem != null && accountProblems++ < MAX_LISTED_PROBLEMS) {
          problems.add(problem);
        }
      }
    }
    if (accountProblems > MAX_LISTED_PROBLEMS) {
      problems.add((accountProblems - MAX_LISTED_PROBLEMS) + " more accounts with problems");
    }
    long orphans = orphanRows(connection);
    if (orphans > 0) {
      problems.add(orphans + " journal rows name an account that does not exist");
    }
    long grants = sum(connection, "GRANT");
    long deposits = sum(connection, "DEPOSIT");
    if (totalBalance != grants + deposits) {
      problems.add("money is not conserved: balances add up to " + totalBalance
          + " but grants + deposits are " + (grants + deposits) + " (difference "
          + (totalBalance - grants - deposits) + ")");
    }
    return new AuditReport(accounts, count(connection, null), count(connection, "TRANSFER"),
        totalBalance, grants, deposits, problems);
  }

  private static String accountProblem(String name, long balance, long expected) {
    if (balance < 0 || balance > Ledger.MAX_BALANCE_UNITS) {
      return "account " + name + " has balance " + balance + ", outside 0.."
          + Ledger.MAX_BALANCE_UNITS;
    }
    if (balance != expected) {
      return "account " + name + " has balance " + balance + " but its journal adds up to "
          + expected;
    }
    return null;
  }

  /**
   * Journal rows whose payer or payee is not an account. The schema has no foreign keys on the
   * journal (see SchemaMigrations step 2); this is where their absence is checked.
   */
  private static long orphanRows(Connection connection) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT COUNT(*) FROM journal j WHERE NOT EXISTS (SELECT 1 FROM accounts a"
            + " WHERE a.name = j.credit_account) OR (j.debit_account IS NOT NULL AND NOT EXISTS"
            + " (SELECT 1 FROM accounts a WHERE a.name = j.debit_account))");
        ResultSet rows = query.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static long sum(Connection connection, String kind) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT COALESCE(SUM(amount), 0) FROM journal WHERE kind = ?")) {
      query.setString(1, kind);
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private static long count(Connection connection, String kind) throws SQLException {
    String sql = kind == null ? "SELECT COUNT(*) FROM journal"
        : "SELECT COUNT(*) FROM journal WHERE kind = ?";
    try (PreparedStatement query = connection.prepareStatement(sql)) {
      if (kind != null) {
        query.setString(1, kind);
      }
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }
}
