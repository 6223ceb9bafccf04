package io.micropay.peer.cli;

import io.micropay.peer.PeerConfig;
import io.micropay.pki.RevocationReason;
import io.micropay.pki.TlsFactory;
import io.micropay.pki.client.CaClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "revoke", mixinStandardHelpOptions = true,
    description = {"Revoke this peer's own certificate (and a renewed one beside it) over "
        + "mutual TLS, for example when its key may be in someone else's hands.",
        "The server ends this peer's session within seconds; enrolling again needs a new "
            + "token from the operator."})
final class RevokeCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @ParentCommand
  PeerCommand parent;

  @Mixin
  CaCommands ca;

  @Option(names = "--reason", paramLabel = "<reason>", defaultValue = "unspecified",
      description = "unspecified, keyCompromise, affiliationChanged, superseded, "
          + "cessationOfOperation (default: ${DEFAULT-VALUE}).")
  String reason;

  @Override
  public Integer call() {
    RevocationReason parsed = RevocationReason.parse(reason);
    PeerConfig config = CaCommands.config(parent.options);
    TlsFactory tls = CaCommands.tls(config);
    String answer = new CaClient(ca.service(config)).revoke(tls, parsed);
    spec.commandLine().getOut().println(tls.accountName() + ": " + answer);
    return PeerCommand.ok();
  }
}
