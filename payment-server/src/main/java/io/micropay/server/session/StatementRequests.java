package io.micropay.server.session;

import io.micropay.protocol.ReceiptContent;
import io.micropay.protocol.ReceiptReply;
import io.micropay.protocol.Request;
import io.micropay.protocol.StatementEntry;
import io.micropay.protocol.StatementPage;
import io.micropay.server.ledger.JournalEntry;
import io.micropay.server.ledger.JournalRecord;
import io.micropay.server.ledger.StatementQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The version-2 requests that read the books for the session's own account: {@code STATEMENT}
 * (a page of its journal rows) and {@code RECEIPT} (a signed receipt of a transfer it paid or
 * received). Neither needs a login; both act only for the certificate's name, whatever the line
 * says, so nobody reads another account's books.
 */
final class StatementRequests {
  private final Session session;
  private final ServerContext context;

  StatementRequests(Session session, ServerContext context) {
    this.session = session;
    this.context = context;
  }

  void statement(Request.Statement request) {
    String account = session.certificateName();
    List<JournalRecord> records = context.ledger().statement(account, new StatementQuery(
        request.limit(), request.beforeEntry(), request.since(), request.until()));
    boolean more = records.size() > request.limit();
    List<StatementEntry> entries = new ArrayList<>(request.limit());
    for (JournalRecord record : records.subList(0, Math.min(records.size(), request.limit()))) {
      entries.add(entryFor(account, record));
    }
    long next = more ? entries.get(entries.size() - 1).entryId() : 0;
    session.replyLines(new StatementPage(entries, next).formatLines());
  }

  void receipt(Request.AskReceipt request) {
    String account = session.certificateName();
    Optional<JournalRecord> record = context.ledger()
        .transferRecord(request.payer(), request.transferId())
        .filter(found -> account.equals(found.debitAccount())
            || account.equals(found.creditAccount()));
    if (record.isEmpty()) {
      session.refuse("no receipt for " + request.payer() + "'s transfer " + request.transferId()
          + ": not settled, or " + account + " took no part in it");
      session.replyLines(new ReceiptReply(request.payer(), request.transferId(), null)
          .formatLines());
      return;
    }
    JournalRecord found = record.get();
    ReceiptContent content = new ReceiptContent(found.debitAccount(), found.creditAccount(),
        found.amountUnits(), found.transferId(), found.memo(), found.entryId(),
        found.recordedAt());
    byte[] signed = context.receiptSigner().sign(content.encode());
    session.event("receipt issued for transfer " + found.transferId() + " (journal entry "
        + found.entryId() + ")");
    session.replyLines(new ReceiptReply(request.payer(), request.transferId(), signed)
        .formatLines());
  }

  /** A journal row as {@code account}'s statement shows it. */
  static StatementEntry entryFor(String account, JournalRecord record) {
    StatementEntry.Kind kind = switch (record.kind()) {
      case GRANT -> StatementEntry.Kind.GRANT;
      case DEPOSIT -> StatementEntry.Kind.DEPOSIT;
      case TRANSFER -> record.isPaidBy(account) ? StatementEntry.Kind.PAID
          : StatementEntry.Kind.RECEIVED;
    };
    String counterparty = record.kind() != JournalEntry.Kind.TRANSFER ? null
        : record.isPaidBy(account) ? record.creditAccount() : record.debitAccount();
    return new StatementEntry(record.entryId(), record.recordedAt(), kind, counterparty,
        record.amountUnits(), record.balanceAfterFor(account), record.transferId(),
        record.memo());
  }
}
