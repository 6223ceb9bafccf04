package io.micropay.pki.cli;

import io.micropay.cli.StandardCommandLine;
import io.micropay.pki.x509.CertificateSigner;
import java.security.cert.X509CRL;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "crl", mixinStandardHelpOptions = true,
    description = {"Write a fresh CRL (ca.crl) listing every revoked certificate, with the next "
        + "CRL number and a new nextUpdate.",
        "Run it before the current CRL's nextUpdate: endpoints refuse a stale CRL."})
final class CrlCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  CaOptions ca;

  @Option(names = {"--days", "--crl-days"}, paramLabel = "<days>", defaultValue = "30",
      description = "How long the CRL stays fresh, in days (default: ${DEFAULT-VALUE}).")
  int days;

  @Override
  public Integer call() {
    X509CRL crl = ca.open().publishCrl(days);
    int revoked = crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size();
    spec.commandLine().getOut().println("wrote " + ca.layout().crl() + ": CRL number "
        + CertificateSigner.crlNumber(crl) + ", " + revoked + " revoked, next update "
        + crl.getNextUpdate().toInstant());
    return StandardCommandLine.OK;
  }
}
