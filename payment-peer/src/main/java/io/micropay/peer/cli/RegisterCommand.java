package io.micropay.peer.cli;

import io.micropay.peer.PeerFailure.Kind;
import io.micropay.peer.PeerFailure;
import io.micropay.peer.PeerNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "register", mixinStandardHelpOptions = true,
    description = "Open this peer's account on the server (REGISTER#<name>).")
final class RegisterCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @ParentCommand
  PeerCommand parent;

  @Override
  public Integer call() {
    try (PeerNode node = OneShot.connect(parent.options, spec.commandLine().getErr())) {
      if (!node.register()) {
        throw new PeerFailure(Kind.REFUSED_BY_SERVER, "the server refused to register '"
            + node.name() + "' (210 FAIL): it is registered already");
      }
      spec.commandLine().getOut().println("registered " + node.name());
      return PeerCommand.ok();
    }
  }
}
