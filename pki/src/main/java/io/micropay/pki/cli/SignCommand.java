package io.micropay.pki.cli;

import io.micropay.cli.StandardCommandLine;
import io.micropay.pki.CertificateAuthority.Issued;
import io.micropay.pki.CertificateAuthority;
import io.micropay.pki.PkiLayout;
import io.micropay.pki.Role;
import io.micropay.pki.x509.CsrPolicy;
import io.micropay.pki.x509.Pem;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "sign", mixinStandardHelpOptions = true,
    description = {"Run by the CA: check a certificate request (proof of possession, subject, "
        + "key type and size) and sign it. The CA decides every extension; none is copied "
        + "from the request.",
        "Writes peers/<name>.crt (or server.crt with --role server) unless --out is given."})
final class SignCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  CaOptions ca;

  @Mixin
  ValidityOptions validity = new ValidityOptions(CertificateAuthority.DEFAULT_LEAF_DAYS);

  @Option(names = "--role", paramLabel = "<role>", defaultValue = "peer",
      description = "peer, operator or server (default: ${DEFAULT-VALUE}).")
  String role;

  @Option(names = "--san", paramLabel = "<DNS:name|IP:address>",
      description = "For --role server: a name clients dial (repeatable, at least one).")
  List<String> sans = new ArrayList<>();

  @Option(names = "--renew", description = "Replace a valid certificate of the same name; the "
      + "old one is revoked (superseded).")
  boolean renew;

  @Option(names = "--out", paramLabel = "<file>", description = "Where to write the certificate.")
  Path out;

  @Parameters(paramLabel = "<csr>", description = "The certificate request (PEM).")
  Path csrFile;

  @Override
  public Integer call() {
    Role wanted = Role.fromOrganisationalUnit(role).orElseThrow(
        () -> new io.micropay.pki.PkiException("--role must be peer, operator or server, not '" + role
            + "'"));
    PKCS10CertificationRequest csr = Pem.readCsr(csrFile);
    PkiLayout layout = ca.layout();
    Path target = out;
    if (target == null) {
      target = wanted == Role.SERVER ? layout.serverCertificate()
          : layout.certificateFor(wanted, CsrPolicy.check(csr, wanted).commonName());
    }
    Issued issued = ca.open().signRequest(csr, wanted, IssueCommand.sans(sans),
        validity.validity(Instant.now()),
        renew ? CertificateAuthority.ExistingCertificate.RENEW
            : CertificateAuthority.ExistingCertificate.REFUSE, target);
    IssueCommand.report(spec.commandLine().getOut(), issued, target, null);
    return StandardCommandLine.OK;
  }
}
