package io.micropay.pki.cli;

import io.micropay.cli.StandardCommandLine;
import io.micropay.pki.CaInitializer.ExistingCa;
import io.micropay.pki.CaInitializer;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "init", mixinStandardHelpOptions = true,
    description = {"Make a new CA: a self-signed root certificate (ca.crt), its key (ca.key, "
        + "mode 0600), an empty index and an empty CRL (ca.crl).",
        "Refuses to touch an existing CA unless --force, which moves the old files aside."})
final class InitCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  CaOptions ca;

  @Mixin
  KeyOptions.KeyAlgorithmOption key;

  @Option(names = "--name", paramLabel = "<name>", defaultValue = CaInitializer.DEFAULT_CA_NAME,
      description = "The CA's name, its certificate's CN (default: ${DEFAULT-VALUE}).")
  String name;

  @Option(names = "--days", paramLabel = "<days>", defaultValue = "3650",
      description = "CA validity in days (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--crl-days", paramLabel = "<days>", defaultValue = "30",
      description = "How long the CRL stays fresh, in days (default: ${DEFAULT-VALUE}).")
  int crlDays;

  @Option(names = "--force", description = "Replace an existing CA (its files are moved to "
      + "replaced-<time>/ in the CA folder, not deleted).")
  boolean force;

  @Override
  public Integer call() {
    CaInitializer.Result result = CaInitializer.init(ca.layout(), name, key.algorithm, days,
        crlDays, ca.passphrase(), force ? ExistingCa.REPLACE : ExistingCa.REFUSE,
        Clock.systemUTC());
    var out = spec.commandLine().getOut();
    result.movedAside().ifPresent(folder -> out.println("moved the previous CA to " + folder));
    out.println("created CA '" + name + "' in " + ca.layout().directory() + " ("
        + key.algorithm.optionName() + ", valid until "
        + result.caCertificate().getNotAfter().toInstant() + ")");
    out.println("  " + ca.layout().caCertificate() + "  CA certificate: give it to everyone");
    out.println("  " + ca.layout().caKey() + "  CA key: keep it secret"
        + (ca.passphrase().isPresent() ? " (encrypted)" : ""));
    out.println("  " + ca.layout().crl() + "  CRL: give it to everyone, refresh it with "
        + "'pki crl' before " + crlDays + " days pass");
    return StandardCommandLine.OK;
  }
}
