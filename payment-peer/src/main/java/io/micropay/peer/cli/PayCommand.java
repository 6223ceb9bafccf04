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

  @picocli.CommandLine.Option(names = PeerWork.MEMO_OPTION, paramLabel = "<text>",
      description = "A note for the payee, stored with the transfer and in the receipt: 1 to "
          + "140 printable ASCII characters without '#'.")
  String memo;

  @Override
  public Integer call() {
    if (memo != null && !io.micropay.protocol.Memo.isValid(memo)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "bad --memo: "
          + io.micropay.protocol.Memo.problem(memo));
    }
    List<String> words = new java.util.ArrayList<>(List.of("pay", payee, Long.toString(amount)));
    if (memo != null) {
      words.addAll(List.of(PeerWork.MEMO_OPTION, memo.strip()));
    }
    return OneShot.run(parent.options, spec, words,
        node -> PeerWork.pay(node, PeerWork.Login.FIRST, payee, amount, memo,
            spec.commandLine().getOut()));
  }
}
