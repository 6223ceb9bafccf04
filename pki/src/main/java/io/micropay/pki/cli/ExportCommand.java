package io.micropay.pki.cli;

import io.micropay.cli.StandardCommandLine;
import io.micropay.pki.Passphrase;
import io.micropay.pki.PkiException;
import io.micropay.pki.PkiLayout;
import io.micropay.pki.x509.Pem;
import io.micropay.pki.x509.SecureFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Write a peer's (or, with --server, the server's) key, certificate and the CA "
        + "certificate into a PKCS#12 keystore, for tools that want one (mode 0600).")
final class ExportCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--dir", paramLabel = "<folder>", defaultValue = "ssl",
      description = "The folder holding the files (default: ${DEFAULT-VALUE}).")
  Path directory;

  @Option(names = "--server", description = "Export server.key and server.crt; no <name>.")
  boolean server;

  @Option(names = "--out", paramLabel = "<file>",
      description = "The keystore to write (default: peers/<name>.p12 or server.p12).")
  Path out;

  @Mixin
  KeyOptions key;

  @ArgGroup(exclusive = true, multiplicity = "1")
  StorePassphrase storePassphrase;

  static final class StorePassphrase {
    @Option(names = "--out-passphrase-file", paramLabel = "<file>", required = true,
        description = "Protect the keystore with the passphrase on the first line of this file.")
    Path file;

    @Option(names = "--out-passphrase-env", paramLabel = "<variable>", required = true,
        description = "Protect the keystore with the passphrase in this environment variable.")
    String environmentVariable;
  }

  @Parameters(paramLabel = "<name>", arity = "0..1", description = "The peer to export.")
  String name;

  @Override
  public Integer call() throws IOException, GeneralSecurityException {
    PkiLayout layout = new PkiLayout(directory);
    if (server == (name != null)) {
      throw new PkiException("name a peer to export, or pass --server (not both)");
    }
    Path certificateFile = server ? layout.serverCertificate() : layout.peerCertificate(name);
    Path keyFile = server ? layout.serverKey() : layout.peerKey(name);
    Path target = out != null ? out
        : server ? directory.resolve("server.p12") : layout.peerPkcs12(name);
    List<X509Certificate> chain = new ArrayList<>(Pem.readCertificates(certificateFile));
    chain.add(Pem.readCertificate(layout.caCertificate()));
    PrivateKey privateKey = Pem.readPrivateKey(keyFile, key.passphrase());
    char[] password = Passphrase.fromFileOrEnvironment(storePassphrase.file,
        storePassphrase.environmentVariable).characters().orElseThrow();
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    String alias = server ? "server" : name;
    store.setKeyEntry(alias, privateKey, password, chain.toArray(X509Certificate[]::new));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    store.store(bytes, password);
    java.util.Arrays.fill(password, '\0');
    SecureFiles.write(target, bytes.toByteArray(), SecureFiles.Visibility.OWNER_ONLY);
    spec.commandLine().getOut().println("wrote " + target + " (PKCS#12, alias '" + alias
        + "', key + certificate + CA, mode 0600)");
    return StandardCommandLine.OK;
  }
}
