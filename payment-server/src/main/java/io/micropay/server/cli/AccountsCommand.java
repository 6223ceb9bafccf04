package io.micropay.server.cli;

import io.micropay.cli.StandardCommandLine;
import io.micropay.server.ledger.AccountsReport;
import io.micropay.server.ledger.Ledger;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "accounts", mixinStandardHelpOptions = true,
    description = "Print every account and its balance. On a running server it asks the "
        + "server through its operator endpoint; on a stopped one it opens the ledger.")
final class AccountsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ServerCommand.LedgerOptions ledgerOptions;

  @Mixin
  OperatorOptions operator;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Optional<String> live = operator.ask(ledgerOptions.dataDirectory, "accounts?format=text",
        null);
    if (live.isPresent()) {
      out.println(live.get());
      return StandardCommandLine.OK;
    }
    try (Ledger ledger = ledgerOptions.openExisting()) {
      out.println(new AccountsReport(ledger.accounts()).describe());
      return StandardCommandLine.OK;
    }
  }
}
