package io.micropay.peer.cli;

import io.micropay.peer.PeerFailure.Kind;
import io.micropay.peer.PeerFailure;
import io.micropay.peer.PeerNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "deposit", mixinStandardHelpOptions = true,
    description = "Deposit <amount> into this peer's account (DEPOSIT#<name>#<amount>).")
final class DepositCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @ParentCommand
  PeerCommand parent;

  @Parameters(paramLabel = "<amount>", converter = AmountConverter.class,
      description = "Whole units, 1 to 1000000000.")
  long amount;

  @Override
  public Integer call() {
    try (PeerNode node = OneShot.connect(parent.options, spec.commandLine().getErr())) {
      if (!node.deposit(amount)) {
        throw new PeerFailure(Kind.REFUSED_BY_SERVER, "the server refused the deposit of "
            + amount + " (DEPOSIT FAIL): the account is not registered, the amount is over the "
            + "server's limit, or deposits are disabled");
      }
      spec.commandLine().getOut().println("deposited " + amount + " into " + node.name());
      return PeerCommand.ok();
    }
  }
}
