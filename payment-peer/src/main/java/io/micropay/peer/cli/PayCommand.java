package io.micropay.peer.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "pay", mixinStandardHelpOptions = true,
    description = "Pay <amount> to <payee>: ask the payee directly, and if they accept, settle "
        + "it with the server. The payee must be online.")
final class PayCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @ParentCommand
  PeerCommand parent;

  @Parameters(index = "0", paramLabel = "<payee>", converter = AccountNameConverter.class,
      description = "Who to pay: an account name.")
  String payee;

  @Parameters(index = "1", paramLabel = "<amount>", converter = AmountConverter.class,
      description = "Whole units, 1 to 1000000000.")
  long amount;

  @Override
  public Integer call() {
    return OneShot.run(parent.options, spec, List.of("pay", payee, Long.toString(amount)),
        node -> PeerWork.pay(node, PeerWork.Login.FIRST, payee, amount,
            spec.commandLine().getOut()));
  }
}
