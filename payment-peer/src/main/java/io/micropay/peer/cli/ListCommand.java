package io.micropay.peer.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "list", mixinStandardHelpOptions = true,
    description = "Print your balance and who is online (through the running peer of the "
        + "account if there is one; else it logs in, since the server answers List only to "
        + "logged-in peers).")
final class ListCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @ParentCommand
  PeerCommand parent;

  @Override
  public Integer call() {
    return OneShot.run(parent.options, spec, List.of("list"), node -> PeerWork.list(node,
        PeerWork.Login.FIRST, spec.commandLine().getOut()));
  }
}
