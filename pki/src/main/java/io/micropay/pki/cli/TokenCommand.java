package io.micropay.pki.cli;

import io.micropay.cli.DurationConverter;
import io.micropay.cli.StandardCommandLine;
import io.micropay.pki.CertificateAuthority.ExistingCertificate;
import io.micropay.pki.CertificateAuthority;
import io.micropay.pki.EnrollmentToken;
import io.micropay.pki.Enrollments;
import io.micropay.pki.IssuedCertificate;
import io.micropay.pki.PkiException;
import io.micropay.rules.AccountNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "token", mixinStandardHelpOptions = true,
    description = {"Run by the CA: make a one-time enrollment token for account <name> and "
        + "print it on one line (standard output; notes go to standard error).",
        "The peer enrolls with it: payment-peer enroll --ca https://<host>:<port> "
            + "--token <token>. It enrolls only <name>, once, before it expires, and carries "
            + "the CA's fingerprint so the peer can check the CA service it reaches."})
final class TokenCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  CaOptions ca;

  @Option(names = "--ttl", paramLabel = "<duration>", defaultValue = "1h",
      converter = DurationConverter.class,
      description = "How long the token can be used, 1m to 30d (default: ${DEFAULT-VALUE}).")
  Duration ttl;

  @Option(names = "--renew", description = "Let the enrollment replace a valid certificate of "
      + "<name> (lost key, new machine); the old one is revoked as superseded.")
  boolean renew;

  @Parameters(paramLabel = "<name>", description = "The account name the token enrolls.")
  String name;

  @Override
  public Integer call() {
    AccountNames.requireValid(name, PkiException::new);
    CertificateAuthority authority = ca.open();
    EnrollmentToken token = new Enrollments(authority, Clock.systemUTC()).issue(name, ttl,
        renew ? ExistingCertificate.RENEW : ExistingCertificate.REFUSE);
    spec.commandLine().getOut().println(token.text());
    spec.commandLine().getOut().flush();
    var err = spec.commandLine().getErr();
    err.println("token for '" + name + "', single use, expires " + Instant.now().plus(ttl)
        + "; the CA keeps only its hash in " + ca.layout().tokens());
    Instant now = Instant.now();
    boolean hasValid = authority.list().stream().anyMatch(entry -> entry.commonName()
        .equals(name) && entry.status(now) == IssuedCertificate.Status.VALID);
    if (hasValid && !renew) {
      err.println("note: '" + name + "' has a valid certificate; enrolling will be refused "
          + "until it is revoked (pki revoke " + name + "), or make the token with --renew");
    }
    err.flush();
    return StandardCommandLine.OK;
  }
}
