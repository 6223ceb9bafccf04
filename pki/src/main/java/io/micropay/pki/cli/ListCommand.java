package io.micropay.pki.cli;

import io.micropay.cli.StandardCommandLine;
import io.micropay.pki.IssuedCertificate;
import io.micropay.pki.Role;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List the certificates this CA issued: serial, name, role, status, expiry.")
final class ListCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  CaOptions ca;

  @Option(names = "--valid", description = "Only certificates that are valid now.")
  boolean validOnly;

  @Override
  public Integer call() {
    List<IssuedCertificate> entries = ca.open().list();
    Instant now = Instant.now();
    PrintWriter out = spec.commandLine().getOut();
    String format = "%-32s  %-32s  %-6s  %-7s  %s%n";
    out.printf(format, "SERIAL", "NAME", "ROLE", "STATUS", "EXPIRES / REVOKED");
    int shown = 0;
    for (IssuedCertificate entry : entries) {
      IssuedCertificate.Status status = entry.status(now);
      if (validOnly && status != IssuedCertificate.Status.VALID) {
        continue;
      }
      String when = entry.revokedAt().map(at -> at + " (" + entry.revocationReason()
          .orElseThrow().openSslName() + ")").orElse(entry.notAfter().toString());
      out.printf(format, entry.serialHex(), entry.commonName(),
          entry.role().map(Role::organisationalUnit).orElse("?"), status.word(), when);
      shown++;
    }
    out.println(shown + " certificate(s)");
    return StandardCommandLine.OK;
  }
}
