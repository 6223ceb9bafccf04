package io.micropay.peer.cli;

import io.micropay.peer.AcceptPolicy;
import io.micropay.peer.PeerConfig;
import io.micropay.peer.PeerFailure.Kind;
import io.micropay.peer.PeerFailure;
import io.micropay.pki.Passphrase;
import io.micropay.pki.PkiLayout;
import io.micropay.pki.cli.DurationConverter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The options every peer command shares: who this peer is, and where the server is. They are
 * declared once, on the top-level command, and inherited: a user may write them before or after
 * the subcommand, and subcommands read them from their parent.
 */
final class PeerOptions {
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
      names = {"-s", "--server"}, paramLabel = "<host:port>", defaultValue = "localhost:8700",
      description = "The payment server (default: ${DEFAULT-VALUE}). The host must be a name "
          + "in the server's certificate.")
  String server;

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

  /** The configuration for a peer that decides incoming payments by {@code policy}. */
  PeerConfig config(AcceptPolicy policy, long autoMaxUnits, Duration promptTimeout) {
    PkiLayout layout = new PkiLayout(sslDirectory);
    Path[] identity = identity(layout);
    String[] hostAndPort = hostAndPort();
    try {
      return new PeerConfig(layout, identity[0], identity[1],
          Passphrase.fromFileOrEnvironment(keyPassphraseFile, keyPassphraseEnvironment),
          hostAndPort[0], Integer.parseInt(hostAndPort[1]), listenPort, connectTimeout,
          replyTimeout, decisionTimeout, promptTimeout, policy, autoMaxUnits, 3);
    } catch (IllegalArgumentException e) {
      throw new PeerFailure(Kind.GENERAL, e.getMessage(), e);
    }
  }

  private String[] hostAndPort() {
    int colon = server.lastIndexOf(':');
    if (colon <= 0 || !server.substring(colon + 1).matches("\\d{1,5}")) {
      throw new PeerFailure(Kind.GENERAL, "--server must be <host>:<port>, like localhost:8700,"
          + " not '" + server + "'");
    }
    return new String[] {server.substring(0, colon), server.substring(colon + 1)};
  }

  /** The certificate and key to use: explicit, by name, or the only peer in the folder. */
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
    } catch (io.micropay.pki.PkiException e) {
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
