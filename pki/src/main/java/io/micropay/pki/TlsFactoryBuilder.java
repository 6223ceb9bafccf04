package io.micropay.pki;

import io.micropay.pki.tls.ApplicationProtocols;
import io.micropay.pki.tls.CrlSource;
import io.micropay.pki.tls.DistributionPointCrls;
import io.micropay.pki.tls.TlsContexts;
import io.micropay.pki.tls.TlsEngineChoice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/** Builds a {@link TlsFactory}; every file is read and checked by {@link #build()}. */
public final class TlsFactoryBuilder {
  private Path caCertificate;
  private Path crl;
  private Path certificate;
  private Path privateKey;
  private Passphrase passphrase = Passphrase.none();
  private Role role;
  private int handshakeTimeoutMillis = TlsFactory.DEFAULT_HANDSHAKE_TIMEOUT_MILLIS;
  private Clock clock = Clock.systemUTC();
  private ApplicationProtocols applicationProtocols = ApplicationProtocols.NONE;
  private Duration revocationRefresh = DistributionPointCrls.DEFAULT_REFRESH;
  private TlsEngineChoice engine;

  TlsFactoryBuilder() {
  }

  /** The ALPN names to offer as a client and to select from as a server (default: none). */
  public TlsFactoryBuilder applicationProtocols(ApplicationProtocols protocols) {
    this.applicationProtocols = Objects.requireNonNull(protocols);
    return this;
  }

  /**
   * The TLS engine of the payment connections (default: {@link TlsEngineChoice#automatic}, the
   * native one where it loads).
   */
  public TlsFactoryBuilder engine(TlsEngineChoice choice) {
    this.engine = Objects.requireNonNull(choice);
    return this;
  }

  /**
   * How long an answer from the CA service's distribution point is used before it is asked
   * again (when there is no CRL file); see {@link DistributionPointCrls}.
   */
  public TlsFactoryBuilder revocationRefresh(Duration refresh) {
    this.revocationRefresh = Objects.requireNonNull(refresh);
    return this;
  }

  /** The CA certificate and CRL of {@code layout}. */
  public TlsFactoryBuilder forLayout(PkiLayout layout) {
    return trustedCa(layout.caCertificate()).crl(layout.crl());
  }

  /** The CA certificate every other certificate must chain to. */
  public TlsFactoryBuilder trustedCa(Path caCertificateFile) {
    this.caCertificate = caCertificateFile;
    return this;
  }

  /**
   * The CA's CRL, re-read whenever it changes. When the file does not exist, each certificate's
   * CRL comes from the distribution point it names (the CA service), and the last good one is
   * kept in {@code crl-cache/} beside where the file would be.
   */
  public TlsFactoryBuilder crl(Path crlFile) {
    this.crl = crlFile;
    return this;
  }

  /** This process's certificate and key, and the role the certificate must have. */
  public TlsFactoryBuilder identity(Path certificateFile, Path privateKeyFile,
      Passphrase keyPassphrase, Role expectedRole) {
    this.certificate = certificateFile;
    this.privateKey = privateKeyFile;
    this.passphrase = Objects.requireNonNull(keyPassphrase);
    this.role = expectedRole;
    return this;
  }

  /** How long a handshake may take before the connection is closed. */
  public TlsFactoryBuilder handshakeTimeoutMillis(int timeoutMillis) {
    // Timeout of 0 is not allowed, since an infinite timeout can permanently lock up a thread.
    if (timeoutMillis <= 0) {
      throw new IllegalArgumentException("handshakeTimeoutMillis must be positive, was "
          + timeoutMillis);
    }
    this.handshakeTimeoutMillis = timeoutMillis;
    return this;
  }

  /** The clock validity is checked against; tests move it. */
  public TlsFactoryBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock);
    return this;
  }

  /** Reads and checks every file, and makes the factory. */
  public TlsFactory build() {
    Objects.requireNonNull(caCertificate, "trustedCa is required");
    Objects.requireNonNull(crl, "crl is required");
    Objects.requireNonNull(certificate, "identity is required");
    Path crlFile = crl;
    Clock checkClock = clock;
    TlsContexts contexts = TlsContexts.load(caCertificate, ca -> Files.exists(crlFile)
            ? new CrlSource(crlFile, ca, checkClock)
            : new DistributionPointCrls(ca, crlCacheDirectory(crlFile), checkClock,
                revocationRefresh),
        certificate, privateKey, passphrase, role, clock,
        engine == null ? TlsEngineChoice.automatic() : engine);
    return new TlsFactory(contexts, crl, handshakeTimeoutMillis, clock, applicationProtocols);
  }

  private static Path crlCacheDirectory(Path crlFile) {
    Path folder = crlFile.toAbsolutePath().getParent();
    return new PkiLayout(folder).crlCacheDirectory();
  }
}
