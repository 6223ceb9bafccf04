package io.micropay.server.cli;

import io.micropay.pki.cli.StandardCommandLine;
import io.micropay.server.ledger.AccountBalance;
import io.micropay.server.ledger.Ledger;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "accounts", mixinStandardHelpOptions = true,
    description = "Print every account and its balance. Stop the server first: an embedded "
        + "Derby ledger is used by one process at a time.")
final class AccountsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ServerCommand.LedgerOptions ledgerOptions;

  @Override
  public Integer call() {
    try (Ledger ledger = ledgerOptions.openExisting()) {
      List<AccountBalance> accounts = ledger.accounts();
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%-32s  %25s%n", "ACCOUNT", "BALANCE");
      long total = 0;
      for (AccountBalance account : accounts) {
        out.printf("%-32s  %25d%n", account.name(), account.balanceUnits());
        total += account.balanceUnits();
      }
      out.printf("%d account(s), %d units in all%n", accounts.size(), total);
      return StandardCommandLine.OK;
    }
  }
}
