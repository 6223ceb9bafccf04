package io.micropay.pki.cli;

import io.micropay.cli.StandardCommandLine;
import io.micropay.pki.CertificateAuthority;
import io.micropay.pki.IssuedCertificate;
import io.micropay.pki.RevocationReason;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "revoke", mixinStandardHelpOptions = true,
    description = {"Revoke a certificate and rewrite the CRL (ca.crl).",
        "A running server and running peers pick the new CRL up on their next handshake; "
            + "the server also ends the revoked peer's session."})
final class RevokeCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  CaOptions ca;

  @Option(names = "--reason", paramLabel = "<reason>", defaultValue = "unspecified",
      description = "unspecified, keyCompromise, CACompromise, affiliationChanged, superseded, "
          + "cessationOfOperation (default: ${DEFAULT-VALUE}).")
  String reason;

  @Option(names = "--crl-days", paramLabel = "<days>", defaultValue = "30",
      description = "How long the new CRL stays fresh, in days (default: ${DEFAULT-VALUE}).")
  int crlDays;

  @Parameters(paramLabel = "<name|serial>",
      description = "The name with one valid certificate, or a serial (hex, see 'pki list').")
  String target;

  @Override
  public Integer call() {
    CertificateAuthority authority = ca.open();
    for (IssuedCertificate revoked : authority.revoke(target, RevocationReason.parse(reason),
        crlDays)) {
      spec.commandLine().getOut().println("revoked " + revoked.subject() + " serial "
          + revoked.serialHex() + " (" + revoked.revocationReason().orElseThrow().openSslName()
          + ")");
    }
    spec.commandLine().getOut().println("wrote " + ca.layout().crl()
        + "; a running 'pki serve' publishes it at once");
    return StandardCommandLine.OK;
  }
}
