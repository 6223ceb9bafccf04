package io.micropay.pki.cli;

import io.micropay.cli.StandardCommandLine;
import io.micropay.pki.x509.Pem;
import io.micropay.pki.x509.Subjects;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Check a certificate the way the server and the peers do: issued and signed "
        + "by this CA, inside its validity period, not on the CRL.",
        "Exit 0 when it is acceptable, 1 with the reason when it is not."})
final class VerifyCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  CaOptions ca;

  @Parameters(paramLabel = "<certificate>", description = "The certificate file (PEM).")
  Path file;

  @Override
  public Integer call() {
    X509Certificate certificate = Pem.readCertificate(file);
    Optional<String> rejection = ca.open().verify(certificate);
    if (rejection.isPresent()) {
      spec.commandLine().getOut().println(file + ": REJECTED: " + rejection.get());
      return StandardCommandLine.FAILURE;
    }
    spec.commandLine().getOut().println(file + ": OK: " + Subjects.describe(certificate)
        + " chains to the CA, is valid until " + certificate.getNotAfter().toInstant()
        + " and is not revoked");
    return StandardCommandLine.OK;
  }
}
