package io.micropay.pki.cli;

import io.micropay.cli.StandardCommandLine;
import io.micropay.cli.VersionProvider;
import io.micropay.pki.PkiException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code pki}: the certificate authority of a micropay deployment, on the command line.
 * Every subcommand is non-interactive: secrets come from files or environment variables.
 */
@Command(name = "pki", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "The certificate authority of a micropay deployment.",
    subcommands = {InitCommand.class, IssueCommand.class, RequestCommand.class,
        SignCommand.class, RevokeCommand.class, CrlCommand.class, ListCommand.class,
        ShowCommand.class, VerifyCommand.class, ExportCommand.class, TokenCommand.class,
        ServeCommand.class},
    footer = {"", "Exit codes: 0 ok, 1 failure (message on stderr), 2 usage error.",
        "See docs/pki.md for the enrollment flow and revocation."})
public final class PkiCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand");
  }

  /** The command line for {@code pki}, with micropay's error handling. */
  public static CommandLine commandLine() {
    return StandardCommandLine.create(new PkiCommand(), List.of(PkiException.class));
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
