package io.micropay.pki.cli;

import io.micropay.pki.CertificateAuthority;
import io.micropay.pki.Passphrase;
import io.micropay.pki.PkiLayout;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** The CA folder, and the passphrase of the CA key when it is encrypted. */
final class CaOptions {
  @Option(names = "--dir", paramLabel = "<folder>", defaultValue = "ssl",
      description = "The CA folder (default: ${DEFAULT-VALUE}).")
  Path directory;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  CaPassphrase caPassphrase;

  static final class CaPassphrase {
    @Option(names = "--ca-passphrase-file", paramLabel = "<file>",
        description = "Read the CA key's passphrase from the first line of this file.")
    Path file;

    @Option(names = "--ca-passphrase-env", paramLabel = "<variable>",
        description = "Read the CA key's passphrase from this environment variable.")
    String environmentVariable;
  }

  PkiLayout layout() {
    return new PkiLayout(directory);
  }

  Passphrase passphrase() {
    return caPassphrase == null ? Passphrase.none()
        : Passphrase.fromFileOrEnvironment(
            caPassphrase.file, caPassphrase.environmentVariable);
  }

  CertificateAuthority open() {
    return CertificateAuthority.open(layout(), passphrase(), Clock.systemUTC());
  }
}
