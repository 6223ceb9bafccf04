package io.micropay.pki.cli;

import io.micropay.cli.StandardCommandLine;
import io.micropay.pki.EnrollmentRequest.ExistingKey;
import io.micropay.pki.EnrollmentRequest;
import io.micropay.pki.PkiException;
import io.micropay.pki.PkiLayout;
import io.micropay.pki.Role;
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

  @Option(names = "--role", paramLabel = "<role>", defaultValue = "peer",
      description = "peer or operator (default: ${DEFAULT-VALUE}); an operator's files go to "
          + "operators/ instead of peers/.")
  String role;

  @Parameters(paramLabel = "<name>", description = "The account (or operator) name to request.")
  String name;

  @Override
  public Integer call() {
    PkiLayout layout = new PkiLayout(directory);
    Role wanted = Role.fromOrganisationalUnit(role).filter(r -> !r.isHostRole()).orElseThrow(
        () -> new PkiException("--role must be peer or operator, not '" + role + "'"));
    boolean operator = wanted == Role.OPERATOR;
    Path keyFile = operator ? layout.operatorKey(name) : layout.peerKey(name);
    Path csrFile = operator ? layout.operatorCsr(name) : layout.peerCsr(name);
    EnrollmentRequest.create(name, wanted, key.algorithm(), key.passphrase(), keyFile, csrFile,
        force ? ExistingKey.REPLACE : ExistingKey.REFUSE);
    var out = spec.commandLine().getOut();
    out.println("made a " + key.algorithm().optionName() + " key and a request for '" + name
        + "'");
    out.println("  " + keyFile + "  private key (mode 0600"
        + (key.passphrase().isPresent() ? ", encrypted" : "") + "): keep it here");
    out.println("  " + csrFile + "  request: send it to the CA, who runs "
        + "'pki sign " + (operator ? "--role operator " : "") + csrFile.getFileName() + "'");
    return StandardCommandLine.OK;
  }
}
