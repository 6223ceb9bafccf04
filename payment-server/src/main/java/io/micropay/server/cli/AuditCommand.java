package io.micropay.server.cli;

import io.micropay.cli.StandardCommandLine;
import io.micropay.server.ledger.AuditReport;
import io.micropay.server.ledger.Ledger;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "audit", mixinStandardHelpOptions = true,
    description = {"Check the books: every balance equals its journal, and the total of all "
        + "balances equals the grants plus the deposits (money is neither made nor lost).",
        "Exit 0 when they balance, 3 with a report when they do not. On a running server it "
            + "asks the server through its operator endpoint; on a stopped one it opens the "
            + "ledger."})
final class AuditCommand implements Callable<Integer> {
  /** The books do not balance. */
  static final int UNBALANCED = 3;

  @Spec
  CommandSpec spec;

  @Mixin
  ServerCommand.LedgerOptions ledgerOptions;

  @Mixin
  OperatorOptions operator;

  @Override
  public Integer call() throws IOException {
    Optional<String> live = operator.ask(ledgerOptions.dataDirectory, "audit?format=text",
        null);
    if (live.isPresent()) {
      spec.commandLine().getOut().println(live.get());
      return live.get().startsWith(AuditReport.BALANCED) ? StandardCommandLine.OK : UNBALANCED;
    }
    try (Ledger ledger = ledgerOptions.openExisting()) {
      AuditReport report = ledger.audit();
      spec.commandLine().getOut().println(report.describe());
      return report.balanced() ? StandardCommandLine.OK : UNBALANCED;
    }
  }
}
