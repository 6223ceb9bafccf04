package io.micropay.peer.cli;

import io.micropay.peer.PaymentReceipt;
import io.micropay.peer.PeerNode;
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

  @Parameters(index = "0", paramLabel = "<payee>", description = "Who to pay.")
  String payee;

  @Parameters(index = "1", paramLabel = "<amount>", converter = AmountConverter.class,
      description = "Whole units, 1 to 1000000000.")
  long amount;

  @Override
  public Integer call() {
    try (PeerNode node = OneShot.connect(parent.options, spec.commandLine().getErr())) {
      node.goOnline();
      PaymentReceipt receipt = node.pay(payee, amount);
      spec.commandLine().getOut().println(Screen.receipt(receipt));
      return PeerCommand.ok();
    }
  }
}
