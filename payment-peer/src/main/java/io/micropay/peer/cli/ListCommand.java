package io.micropay.peer.cli;

import io.micropay.peer.PeerNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "list", mixinStandardHelpOptions = true,
    description = "Log in and print your balance and who is online (the server answers List "
        + "only to logged-in peers).")
final class ListCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @ParentCommand
  PeerCommand parent;

  @Override
  public Integer call() {
    try (PeerNode node = OneShot.connect(parent.options, spec.commandLine().getErr())) {
      Screen.onlineList(spec.commandLine().getOut(), node.goOnline(), node.name());
      return PeerCommand.ok();
    }
  }
}
