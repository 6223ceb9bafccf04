package io.micropay.peer.cli;

import io.micropay.pki.EnrollmentToken;
import io.micropay.pki.KeyAlgorithm;
import io.micropay.pki.Passphrase;
import io.micropay.pki.PkiLayout;
import io.micropay.pki.client.CaServiceAddress;
import io.micropay.pki.client.PeerEnrollment;
import io.micropay.pki.client.PeerEnrollment.ExistingKey;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "enroll", mixinStandardHelpOptions = true,
    description = {"Get this peer's certificate from the CA service with a one-time token "
        + "(from the operator's 'pki token <name>').",
        "The key is made here and never leaves (mode 0600); the CA service is trusted only if "
            + "its CA has the fingerprint in the token. Writes ca.crt, peers/<name>.crt and "
            + ".key, and ca-service.url (for renewals) into the ssl folder."})
final class EnrollCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @ParentCommand
  PeerCommand parent;

  @Option(names = "--ca", required = true, paramLabel = "<https://host:port>",
      description = "The CA service.")
  String ca;

  @Option(names = "--token", required = true, paramLabel = "<token>",
      description = "The one-time token, as 'pki token' printed it.")
  String token;

  @Option(names = "--force", description = "Make a new key even if this folder holds one for "
      + "the token's name.")
  boolean force;

  @Override
  public Integer call() {
    EnrollmentToken parsed = EnrollmentToken.parse(token);
    PkiLayout layout = new PkiLayout(parent.options.sslDirectory);
    PeerEnrollment.Enrolled enrolled = PeerEnrollment.enroll(CaServiceAddress.parse(ca),
        parsed, layout, KeyAlgorithm.EC_P256, Passphrase.fromFileOrEnvironment(
            parent.options.keyPassphraseFile, parent.options.keyPassphraseEnvironment),
        force ? ExistingKey.REPLACE : ExistingKey.REFUSE);
    PrintWriter out = spec.commandLine().getOut();
    out.println("enrolled " + parsed.accountName() + ", valid until "
        + enrolled.certificate().getNotAfter().toInstant() + " (renewed by itself at two "
        + "thirds while the peer runs, or with 'payment-peer renew')");
    out.println("  " + enrolled.certificateFile() + "  certificate");
    out.println("  " + enrolled.keyFile() + "  private key (mode 0600, made here)");
    out.println("  " + layout.caCertificate() + "  the CA certificate");
    return PeerCommand.ok();
  }
}
