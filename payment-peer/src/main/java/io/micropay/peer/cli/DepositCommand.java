package io.micropay.peer.cli;

import java.util.List;
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
    return OneShot.run(parent.options, spec, List.of("deposit", Long.toString(amount)),
        node -> PeerWork.deposit(node, amount, spec.commandLine().getOut()));
  }
}
