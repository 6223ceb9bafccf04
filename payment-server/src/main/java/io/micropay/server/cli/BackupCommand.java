package io.micropay.server.cli;

import io.micropay.cli.StandardCommandLine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "backup", mixinStandardHelpOptions = true,
    description = {"Back up the ledger of a running server into <folder> (Derby's online "
        + "backup, through the operator endpoint; transfers go on meanwhile). The copy is "
        + "<folder>/ledger; to restore it, stop the server and put it in place of "
        + "<data-dir>/ledger (docs/operations.md).",
        "A stopped server's ledger is backed up by copying <data-dir>/ledger."})
final class BackupCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ServerCommand.LedgerOptions ledgerOptions;

  @Mixin
  OperatorOptions operator;

  @Parameters(paramLabel = "<folder>", description = "Where the copy goes, on the server's "
      + "machine; <folder>/ledger must not exist yet.")
  Path folder;

  @Override
  public Integer call() throws IOException {
    Optional<String> answer = operator.ask(ledgerOptions.dataDirectory, "backup",
        folder.toAbsolutePath().normalize().toString());
    if (answer.isEmpty()) {
      spec.commandLine().getErr().println("no running server found for "
          + ledgerOptions.dataDirectory + " (no operator.url there, or nobody answers it): "
          + "with the server stopped, copy " + ledgerOptions.dataDirectory.resolve("ledger")
          + " instead, or give --operator-url");
      return StandardCommandLine.FAILURE;
    }
    spec.commandLine().getOut().println("backed up: " + answer.get());
    return StandardCommandLine.OK;
  }
}
