package io.micropay.peer.cli;

import io.micropay.cli.DurationConverter;
import io.micropay.peer.AcceptPolicy;
import io.micropay.peer.Backoff;
import io.micropay.peer.PeerConfig;
import io.micropay.peer.PeerFailure.Kind;
import io.micropay.peer.PeerFailure;
import io.micropay.peer.control.ControlProtocol;
import io.micropay.pki.Passphrase;
import io.micropay.pki.PkiException;
import io.micropay.pki.PkiLayout;
import io.micropay.pki.tls.TlsEngine;
import io.micropay.pki.tls.TlsEngineChoice;
import io.micropay.pki.x509.Pem;
import io.micropay.pki.x509.Subjects;
import io.micropay.protocol.Limits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The options every peer command shares: who this peer is, and where the server is. They are
 * declared once, on the top-level command, and inherited: a user may write them before or after
 * the subcommand, and subcommands read them from their parent.
 */
final class PeerOptions {
  /** How many times a transfer report is sent (same id) when the server connection drops. */
  static final int REPORT_ATTEMPTS = 3;

  @Option(scope = ScopeType.INHERIT,
      names = "--ssl-dir", paramLabel = "<folder>", defaultValue = "ssl",
      description = "Folder with ca.crt, ca.crl and peers/<name>.crt|.key "
          + "(default: ${DEFAULT-VALUE}).")
  Path sslDirectory;

  @Option(scope = ScopeType.INHERIT,
      names = {"-n", "--name"}, paramLabel = "<name>",
      description = "Use ssl/peers/<name>.crt and .key. Needed when the folder holds several "
          + "peers; the account name is always the certificate's CN.")
  String name;

  @Option(scope = ScopeType.INHERIT,
      names = "--cert", paramLabel = "<file>", description = "This peer's certificate, "
      + "instead of the one in the ssl folder.")
  Path certificate;

  @Option(scope = ScopeType.INHERIT,
      names = "--key", paramLabel = "<file>", description = "This peer's private key.")
  Path key;

  @Option(scope = ScopeType.INHERIT,
      names = "--key-passphrase-file", paramLabel = "<file>",
      description = "The key's passphrase is the first line of this file.")
  Path keyPassphraseFile;

  @Option(scope = ScopeType.INHERIT,
      names = "--key-passphrase-env", paramLabel = "<variable>",
      description = "The key's passphrase is in this environment variable.")
  String keyPassphraseEnvironment;

  @Option(scope = ScopeType.INHERIT,
      names = {"-s", "--server"}, paramLabel = "<host:port>[,<host:port>...]",
      defaultValue = "localhost:" + Limits.DEFAULT_SERVER_PORT, converter = ServerListConverter.class,
      description = "The payment server (default: ${DEFAULT-VALUE}); several, separated by "
          + "commas, are tried in turn. The host must be a name in the server's certificate.")
  ServerListConverter.Servers servers;

  @Option(scope = ScopeType.INHERIT,
      names = "--control-dir", paramLabel = "<folder>",
      description = "Where a running shell or online peer keeps its control socket, which the "
          + "one-shot commands use (default: <ssl-dir>/run).")
  Path controlDirectory;

  @Option(scope = ScopeType.INHERIT,
      names = "--reconnect-max", paramLabel = "<duration>", defaultValue = "30s",
      converter = DurationConverter.class,
      description = "A running peer that lost the server tries again after 0.5 s, then twice as "
          + "long each time, up to this (default: ${DEFAULT-VALUE}).")
  Duration reconnectMax;

  @Option(scope = ScopeType.INHERIT, names = {"-v", "--verbose"},
      description = "Log everything, for finding out what went wrong.")
  boolean verbose;

  @Option(scope = ScopeType.INHERIT,
      names = "--listen-port", paramLabel = "<port>", defaultValue = "0",
      description = "Port to receive payments on; 0 picks a free one (default).")
  int listenPort;

  @Option(scope = ScopeType.INHERIT,
      names = "--connect-timeout", paramLabel = "<duration>", defaultValue = "5s",
      converter = DurationConverter.class,
      description = "Give up connecting to the server or a payee after this "
          + "(default: ${DEFAULT-VALUE}).")
  Duration connectTimeout;

  @Option(scope = ScopeType.INHERIT,
      names = "--timeout", paramLabel = "<duration>", defaultValue = "15s",
      converter = DurationConverter.class,
      description = "Give up waiting for a server reply after this (default: ${DEFAULT-VALUE}).")
  Duration replyTimeout;

  @Option(scope = ScopeType.INHERIT,
      names = "--decision-timeout", paramLabel = "<duration>", defaultValue = "45s",
      converter = DurationConverter.class,
      description = "How long to wait for a payee to accept or decline "
          + "(default: ${DEFAULT-VALUE}).")
  Duration decisionTimeout;

  @Option(scope = ScopeType.INHERIT,
      names = "--tls-engine", paramLabel = "<boringssl|jdk>",
      description = "The TLS engine of every connection and the listener: boringssl (native, "
          + "the default where its library loads) or jdk. Both check the same things.")
  TlsEngine tlsEngine;

  /** The configuration for a peer that decides incoming payments by {@code policy}. */
  PeerConfig config(AcceptPolicy policy, long autoMaxUnits, Duration promptTimeout) {
    PkiLayout layout = new PkiLayout(sslDirectory);
    Path[] identity = identity(layout);
    try {
      return new PeerConfig(layout, identity[0], identity[1],
          Passphrase.fromFileOrEnvironment(keyPassphraseFile, keyPassphraseEnvironment),
          servers.addresses(), listenPort, connectTimeout, replyTimeout, decisionTimeout, promptTimeout,
          policy, autoMaxUnits, REPORT_ATTEMPTS, PeerConfig.DEFAULT_REPORT_WAIT, engine());
    } catch (IllegalArgumentException e) {
      throw new PeerFailure(Kind.GENERAL, e.getMessage(), e);
    }
  }

  /** The engine asked for, or the default; a usage error when it cannot run here. */
  private TlsEngineChoice engine() {
    try {
      return TlsEngineChoice.of(Optional.ofNullable(tlsEngine));
    } catch (PkiException e) {
      throw new PeerFailure(Kind.GENERAL, e.getMessage(), e);
    }
  }

  /** How a running peer spaces its reconnect attempts. */
  Backoff backoff() {
    Duration initial = Backoff.DEFAULT.initial().compareTo(reconnectMax) < 0
        ? Backoff.DEFAULT.initial() : reconnectMax;
    try {
      return new Backoff(initial, reconnectMax, Backoff.DEFAULT.jitter());
    } catch (IllegalArgumentException e) {
      throw new PeerFailure(Kind.GENERAL, "--reconnect-max: " + e.getMessage(), e);
    }
  }

  /** The account these options speak for: the CN of the certificate they name. */
  String accountName() {
    Path certificateFile = identity(new PkiLayout(sslDirectory))[0];
    try {
      return Subjects.commonName(Pem.readCertificate(certificateFile)).orElseThrow(
          () -> new PeerFailure(Kind.GENERAL, certificateFile + " does not have exactly one CN"));
    } catch (PkiException e) {
      throw new PeerFailure(Kind.GENERAL, e.getMessage(), e);
    }
  }

  /** The control socket of a running peer of this account. */
  Path controlSocket() {
    Path folder = controlDirectory != null ? controlDirectory : sslDirectory.resolve("run");
    return ControlProtocol.socketPath(folder, accountName());
  }

  /** How long a command through a running peer may take: a payment waits for its payee. */
  Duration controlTimeout() {
    return decisionTimeout.plus(replyTimeout.multipliedBy(REPORT_ATTEMPTS))
        .plus(PeerConfig.DEFAULT_REPORT_WAIT).plus(connectTimeout.multipliedBy(2));
  }

  /** The certificate and key to use: explicit, by name, or the only peer in the folder. */
  /** The deployment's CA certificate, in the SSL directory. */
  Path caCertificate() {
    return new PkiLayout(sslDirectory).caCertificate();
  }

  private Path[] identity(PkiLayout layout) {
    if (certificate != null || key != null) {
      if (certificate == null || key == null) {
        throw new PeerFailure(Kind.GENERAL, "--cert and --key go together");
      }
      return new Path[] {certificate, key};
    }
    String chosen = name != null ? name : onlyPeer(layout);
    try {
      return new Path[] {layout.peerCertificate(chosen), layout.peerKey(chosen)};
    } catch (PkiException e) {
      throw new PeerFailure(Kind.GENERAL, e.getMessage(), e);
    }
  }

  private static String onlyPeer(PkiLayout layout) {
    List<String> names;
    try (Stream<Path> files = Files.list(layout.peersDirectory())) {
      names = files.map(path -> path.getFileName().toString())
          .filter(file -> file.endsWith(".crt"))
          .map(file -> file.substring(0, file.length() - ".crt".length())).sorted().toList();
    } catch (IOException e) {
      throw new PeerFailure(Kind.GENERAL, "no peer certificates in " + layout.peersDirectory()
          + "; make one with 'pki issue peer <name>' (or 'make certs'), or give --cert/--key");
    }
    if (names.size() == 1) {
      return names.get(0);
    }
    if (names.isEmpty()) {
      throw new PeerFailure(Kind.GENERAL, "no peer certificates in " + layout.peersDirectory()
          + "; make one with 'pki issue peer <name>' (or 'make certs')");
    }
    throw new PeerFailure(Kind.GENERAL, layout.peersDirectory() + " holds several peers "
        + names + "; say which one with --name");
  }
}
