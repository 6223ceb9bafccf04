package io.micropay.server.operator;

import com.sun.net.httpserver.HttpExchange;
import io.micropay.server.PaymentServer;
import io.micropay.server.ledger.AccountBalance;
import io.micropay.server.ledger.AccountsReport;
import io.micropay.server.ledger.AuditReport;
import io.micropay.server.ledger.JournalEntry;
import io.micropay.server.ledger.Ledger;
import io.micropay.server.ledger.LedgerBackup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live books: accounts, audit and transfers as JSON (or, with {@code format=text}, exactly
 * as the {@code payment-server} commands print them), and the online backup.
 */
final class Books {
  private static final Logger LOG = LoggerFactory.getLogger(Books.class);
  /** Transfers listed when no limit is given. */
  static final int DEFAULT_TRANSFERS = 50;

  private final PaymentServer payments;

  Books(PaymentServer payments) {
    this.payments = payments;
  }

  void accounts(HttpExchange exchange) throws IOException {
    if (!Exchanges.requireMethod(exchange, "GET", "HEAD")) {
      return;
    }
    AccountsReport report = new AccountsReport(payments.ledger().accounts());
    if (wantsText(exchange)) {
      Exchanges.text(exchange, 200, report.describe());
      return;
    }
    Json json = new Json().beginObject().field("count", report.accounts().size())
        .field("totalUnits", report.totalUnits()).beginArray("accounts");
    for (AccountBalance account : report.accounts()) {
      json.beginObject().field("name", account.name()).field("balance", account.balanceUnits())
          .endObject();
    }
    Exchanges.json(exchange, 200, json.endArray().endObject());
  }

  void audit(HttpExchange exchange) throws IOException {
    if (!Exchanges.requireMethod(exchange, "GET", "HEAD")) {
      return;
    }
    AuditReport report = payments.ledger().audit();
    if (wantsText(exchange)) {
      Exchanges.text(exchange, 200, report.describe());
      return;
    }
    Exchanges.json(exchange, 200, auditJson(new Json().beginObject(), report));
  }

  /** The audit's fields into an object already begun, which it ends. */
  static Json auditJson(Json json, AuditReport report) {
    json.field("balanced", report.balanced())
        .field("accounts", report.accountCount()).field("journalRows", report.journalRows())
        .field("transfers", report.transferCount())
        .field("totalBalanceUnits", report.totalBalanceUnits())
        .field("totalGrantUnits", report.totalGrantUnits())
        .field("totalDepositUnits", report.totalDepositUnits()).beginArray("discrepancies");
    report.discrepancies().forEach(json::element);
    return json.endArray().endObject();
  }

  /** {@code ?account=<name>&limit=<n>}: that account's journal, or every transfer; newest first. */
  void transfers(HttpExchange exchange) throws IOException {
    if (!Exchanges.requireMethod(exchange, "GET", "HEAD")) {
      return;
    }
    Map<String, String> query = Exchanges.query(exchange);
    int limit = Exchanges.intParameter(query, "limit", 1,
        io.micropay.server.ledger.TransferHistory.MAX_ENTRIES).orElse(DEFAULT_TRANSFERS);
    String account = query.get("account");
    List<JournalEntry> entries;
    if (account == null || account.isEmpty()) {
      entries = payments.transferHistory().latestTransfers(limit);
    } else {
      if (account.length() > Ledger.MAX_ACCOUNT_NAME_LENGTH) {
        throw new IllegalArgumentException("account names have at most "
            + Ledger.MAX_ACCOUNT_NAME_LENGTH + " characters");
      }
      entries = payments.ledger().journal(account, limit);
    }
    Exchanges.json(exchange, 200, entriesJson(new Json().beginObject(), entries).endObject());
  }

  static Json entriesJson(Json json, List<JournalEntry> entries) {
    json.beginArray("transfers");
    for (JournalEntry entry : entries) {
      json.beginObject().field("entryId", entry.entryId()).field("kind", entry.kind().name())
          .field("payer", entry.debitAccount()).field("payee", entry.creditAccount())
          .field("amountUnits", entry.amountUnits()).field("transferId", entry.transferId())
          .field("recordedAt", entry.recordedAt().toString()).endObject();
    }
    return json.endArray();
  }

  /** POST with the backup folder (an absolute path on the server's machine) as the body. */
  void backup(HttpExchange exchange) throws IOException {
    if (!Exchanges.requireMethod(exchange, "POST")) {
      return;
    }
    String folder = Exchanges.body(exchange).strip();
    if (folder.isEmpty()) {
      throw new IllegalArgumentException("send the backup folder as the request body");
    }
    LedgerBackup backup = payments.ledgerBackup();
    long startNanos = System.nanoTime();
    Path copy = backup.backUpTo(Path.of(folder));
    long millis = (System.nanoTime() - startNanos) / 1_000_000;
    LOG.info("operator {} backed the ledger up to {} in {} ms",
        exchange.getAttribute(OperatorOnly.OPERATOR), copy, millis);
    Exchanges.json(exchange, 200, new Json().beginObject().field("backup", copy.toString())
        .field("millis", millis).endObject());
  }

  private static boolean wantsText(HttpExchange exchange) {
    return "text".equals(Exchanges.query(exchange).get("format"));
  }
}
