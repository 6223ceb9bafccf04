package io.micropay.pki.cli;

import io.micropay.cli.StandardCommandLine;
import io.micropay.pki.x509.Pem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "show", mixinStandardHelpOptions = true,
    description = "Describe a certificate, certificate request or CRL file in words. "
        + "Private keys are never printed.")
final class ShowCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "<file>", description = "A PEM file.")
  Path file;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<Object> objects = Pem.readObjects(file);
    if (objects.isEmpty()) {
      throw new io.micropay.pki.PkiException(file + " holds no PEM object");
    }
    for (Object object : objects) {
      if (object instanceof X509CertificateHolder holder) {
        PemDescriptions.certificate(out, Pem.toCertificate(holder));
      } else if (object instanceof PKCS10CertificationRequest request) {
        PemDescriptions.request(out, request);
      } else if (object instanceof X509CRLHolder) {
        PemDescriptions.crl(out, Pem.readCrl(file));
      } else {
        out.println(Pem.describe(object) + " (not shown)");
      }
      out.println();
    }
    return StandardCommandLine.OK;
  }
}
