package io.micropay.peer.cli;

import io.micropay.cli.LogSetup;
import io.micropay.cli.StandardCommandLine;
import io.micropay.cli.VersionProvider;
import io.micropay.peer.PeerFailure;
import io.micropay.pki.PkiException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.event.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code payment-peer}: pay and get paid. With no subcommand and a terminal attached it opens the
 * interactive shell; the subcommands are one-shot, for scripts.
 */
@Command(name = "payment-peer", mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {"A micropay peer: pays other peers directly over mutual TLS and receives "
        + "payments on its own listener. Your account name is your certificate's CN.",
        "With no command and a terminal, opens the interactive shell."},
    subcommands = {ShellCommand.class, RegisterCommand.class, DepositCommand.class,
        ListCommand.class, PayCommand.class, OnlineCommand.class, EnrollCommand.class,
        RenewCommand.class, RevokeCommand.class, HistoryCommand.class, ReceiptCommand.class},
    footer = {"", "Exit codes: 0 ok, 1 failure, 2 usage error, 3 server unreachable or TLS "
        + "refused, 4 the server said no (FAIL, AUTH_FAIL, DEPOSIT FAIL, Transfer Fail!),",
        "  5 payee not online, unreachable or not who it should be, 6 payee declined.",
        "See README.md for a walk-through."})
public final class PeerCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  PeerOptions options;

  @Override
  public Integer call() {
    if (System.console() == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "no terminal: name a "
          + "command (register, deposit, list, pay, online, shell)");
    }
    return new ShellCommand().run(options);
  }

  /** The command line, with micropay's error handling and the peer's exit codes. */
  public static CommandLine commandLine() {
    CommandLine commandLine = StandardCommandLine.create(new PeerCommand(),
        List.of(PkiException.class));
    IExecutionExceptionHandler standard = commandLine.getExecutionExceptionHandler();
    commandLine.setExecutionExceptionHandler((failure, line, parseResult) -> {
      if (failure instanceof PeerFailure peerFailure) {
        PrintWriter err = line.getErr();
        err.println("payment-peer: " + peerFailure.getMessage());
        err.flush();
        return peerFailure.kind().exitCode();
      }
      return standard.handleExecutionException(failure, line, parseResult);
    });
    return commandLine;
  }

  public static void main(String[] args) {
    // The peer talks to people through its own output; logs are for trouble: only warnings,
    // unless --verbose asks for everything.
    LogSetup.configure(List.of(args).contains("--verbose") ? Level.DEBUG : Level.WARN,
        LogSetup.Format.COMMAND);
    System.exit(commandLine().execute(args));
  }

  static int ok() {
    return StandardCommandLine.OK;
  }
}
