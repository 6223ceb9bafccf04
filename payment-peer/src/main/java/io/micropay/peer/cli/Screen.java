package io.micropay.peer.cli;

import io.micropay.peer.History;
import io.micropay.peer.PaymentReceipt;
import io.micropay.protocol.OnlineEntry;
import io.micropay.protocol.OnlineList;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** How the peer shows things to people: the online list as a table, receipts, history. */
final class Screen {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  private Screen() {
  }

  static void onlineList(PrintWriter out, OnlineList list, String me) {
    out.println("balance " + list.balanceUnits());
    out.println(list.entries().size() + " online:");
    int width = Math.max(4, list.entries().stream().mapToInt(e -> e.name().length()).max()
        .orElse(4));
    for (OnlineEntry entry : list.entries()) {
      out.printf("  %-" + width + "s  %s:%d%s%n", entry.name(), entry.ip(), entry.port(),
          entry.name().equals(me) ? "  (you)" : "");
    }
    out.flush();
  }

  static String receipt(PaymentReceipt receipt) {
    return "paid " + receipt.payee() + " " + receipt.amountUnits() + " (balance "
        + receipt.balanceBeforeUnits() + " -> " + receipt.balanceAfterUnits() + ")";
  }

  static void history(PrintWriter out, List<History.Entry> entries) {
    if (entries.isEmpty()) {
      out.println("nothing paid or received yet in this run");
    }
    for (History.Entry entry : entries) {
      out.printf("  %s  %-8s %-10s %12d  %s%n", TIME.format(entry.at()),
          entry.direction() == History.Direction.PAID ? "paid" : "received",
          (entry.direction() == History.Direction.PAID ? "to " : "from ")
              + entry.counterparty(), entry.amountUnits(), entry.outcome());
    }
    out.flush();
  }
}
