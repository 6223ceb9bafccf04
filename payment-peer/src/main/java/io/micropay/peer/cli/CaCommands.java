package io.micropay.peer.cli;

import io.micropay.peer.AcceptPolicy;
import io.micropay.peer.PeerConfig;
import io.micropay.pki.PkiException;
import io.micropay.pki.Role;
import io.micropay.pki.TlsFactory;
import io.micropay.pki.client.CaServiceAddress;
import io.micropay.pki.x509.Pem;
import io.micropay.pki.x509.Subjects;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Option;

/** What the CA service commands ({@code renew}, {@code revoke}) share: where, and as whom. */
final class CaCommands {
  @Option(names = "--ca", paramLabel = "<https://host:port>",
      description = "The CA service (default: the one in <ssl-dir>/ca-service.url, written by "
          + "enroll).")
  String ca;

  /** The CA service to use. */
  URI service(PeerConfig config) {
    if (ca != null) {
      return CaServiceAddress.parse(ca);
    }
    return CaServiceAddress.read(config.pki()).orElseThrow(() -> new PkiException("no CA "
        + "service known: pass --ca https://<host>:<port> (enroll writes it to "
        + config.pki().caServiceAddress() + ")"));
  }

  /** This peer's configuration, from the options every peer command shares. */
  static PeerConfig config(PeerOptions options) {
    return options.config(AcceptPolicy.NEVER, 0, Duration.ofSeconds(1));
  }

  /** This peer's TLS identity; an expired certificate gets the advice that fits it. */
  static TlsFactory tls(PeerConfig config) {
    X509Certificate certificate = Pem.readCertificate(config.certificate());
    if (Instant.now().isAfter(certificate.getNotAfter().toInstant())) {
      throw new PkiException("certificate " + Subjects.describe(certificate) + " expired on "
          + certificate.getNotAfter().toInstant() + " and cannot renew: ask the operator for "
          + "a new token (pki token " + Subjects.commonName(certificate).orElse("<name>")
          + ") and enroll again");
    }
    return TlsFactory.builder().forLayout(config.pki())
        .identity(config.certificate(), config.key(), config.keyPassphrase(), Role.PEER)
        .handshakeTimeoutMillis((int) config.connectTimeout().toMillis())
        .engine(config.tlsEngine()).build();
  }
}
