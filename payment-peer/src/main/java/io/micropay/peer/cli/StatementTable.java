package io.micropay.peer.cli;

import io.micropay.protocol.StatementEntry;
import java.io.PrintWriter;
import java.util.List;

/** A statement as a table for people: one row an entry, newest first. */
final class StatementTable {
  private static final String FORMAT = "%-24s  %-8s  %-16s  %12s  %16s  %-36s  %s%n";

  private StatementTable() {
  }

  static void print(List<StatementEntry> entries, PrintWriter out) {
    if (entries.isEmpty()) {
      out.println("no entries");
      return;
    }
    out.printf(FORMAT, "time", "kind", "counterparty", "amount", "balance after",
        "transfer id", "memo");
    for (StatementEntry entry : entries) {
      out.printf(FORMAT, entry.time(), entry.kind().word(), orDash(entry.counterparty()),
          entry.amountUnits(), entry.balanceAfterUnits() < 0 ? "-" : entry.balanceAfterUnits(),
          orDash(entry.transferId()), entry.memo() == null ? "" : entry.memo());
    }
  }

  private static String orDash(String value) {
    return value == null ? "-" : value;
  }
}
