package io.micropay.server.cli;

import io.micropay.pki.cli.StandardCommandLine;
import io.micropay.server.ledger.AuditReport;
import io.micropay.server.ledger.Ledger;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "audit", mixinStandardHelpOptions = true,
    description = {"Check the books: every balance equals its journal, and the total of all "
        + "balances equals the grants plus the deposits (money is neither made nor lost).",
        "Exit 0 when they balance, 3 with a report when they do not. Stop the server first: "
            + "an embedded Derby ledger is used by one process at a time."})
final class AuditCommand implements Callable<Integer> {
  /** The books do not balance. */
  static final int UNBALANCED = 3;

  @Spec
  CommandSpec spec;

  @Mixin
  ServerCommand.LedgerOptions ledgerOptions;

  @Override
  public Integer call() {
    try (Ledger ledger = ledgerOptions.openExisting()) {
      AuditReport report = ledger.audit();
      spec.commandLine().getOut().println(report.describe());
      return report.balanced() ? StandardCommandLine.OK : UNBALANCED;
    }
  }
}
