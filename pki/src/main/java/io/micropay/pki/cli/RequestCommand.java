package io.micropay.pki.cli;

import io.micropay.pki.EnrollmentRequest.ExistingKey;
import io.micropay.pki.EnrollmentRequest;
import io.micropay.pki.PkiLayout;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "request", mixinStandardHelpOptions = true,
    description = {"Run on the peer: make a private key and a certificate signing request for "
        + "account <name>: peers/<name>.key (mode 0600, never leaves this machine) and "
        + "peers/<name>.csr (send it to the CA, which runs 'pki sign').",
        "Needs no CA files."})
final class RequestCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--dir", paramLabel = "<folder>", defaultValue = "ssl",
      description = "The folder to write into (default: ${DEFAULT-VALUE}).")
  Path directory;

  @Mixin
  KeyOptions key;

  @Option(names = "--force", description = "Replace an existing key for <name>.")
  boolean force;

  @Parameters(paramLabel = "<name>", description = "The account name to request.")
  String name;

  @Override
  public Integer call() {
    PkiLayout layout = new PkiLayout(directory);
    EnrollmentRequest.create(name, key.algorithm(), key.passphrase(), layout.peerKey(name),
        layout.peerCsr(name), force ? ExistingKey.REPLACE : ExistingKey.REFUSE);
    var out = spec.commandLine().getOut();
    out.println("made a " + key.algorithm().optionName() + " key and a request for '" + name
        + "'");
    out.println("  " + layout.peerKey(name) + "  private key (mode 0600"
        + (key.passphrase().isPresent() ? ", encrypted" : "") + "): keep it here");
    out.println("  " + layout.peerCsr(name) + "  request: send it to the CA, who runs "
        + "'pki sign " + layout.peerCsr(name).getFileName() + "'");
    return StandardCommandLine.OK;
  }
}
