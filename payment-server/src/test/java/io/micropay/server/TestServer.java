package io.micropay.server;

import io.micropay.pki.Passphrase;
import io.micropay.pki.testing.TestPki;
import io.micropay.pki.tls.ApplicationProtocols;
import io.micropay.pki.tls.TlsEngine;
import io.micropay.pki.tls.TlsEngineChoice;
import io.micropay.protocol.ProtocolVersion;
import io.micropay.server.ledger.Ledgers;
import io.micropay.testing.ProtocolClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real payment server for tests: its own throwaway PKI, a Derby ledger in a temporary folder,
 * TLS on 127.0.0.1 at a port the system picks. Close it to shut everything down.
 */
public final class TestServer implements AutoCloseable {
  public static final int TIMEOUT_MILLIS = 5_000;

  private final TestPki pki;
  private final PaymentServer server;

  private TestServer(TestPki pki, PaymentServer server) {
    this.pki = pki;
    this.server = server;
  }

  /** A new server with the same PKI, data folder and settings as {@code closed}. */
  public static TestServer reopen(TestServer closed) throws IOException {
    return new TestServer(closed.pki, PaymentServer.start(closed.server.config()));
  }

  /** A server with default settings in {@code directory}. */
  public static TestServer start(Path directory) throws IOException {
    return start(directory, settings -> settings);
  }

  /** A server whose settings {@code adjust} may change. */
  public static TestServer start(Path directory,
      java.util.function.UnaryOperator<Settings> adjust) throws IOException {
    Settings settings = adjust.apply(new Settings(64, 2_000, 10_000, 1_000_000,
        Duration.ofMinutes(5), Duration.ofSeconds(5), Verbosity.ALL,
        ServerConfig.DEFAULT_MAX_CONNECTIONS_PER_CERTIFICATE, TlsEngineChoice.automatic()));
    // The clients the test makes from this PKI use the server's engine too.
    TestPki pki = TestPki.create(directory.resolve("ssl"))
        .usingEngine(settings.tlsEngine().engine());
    ServerConfig config = new ServerConfig(new InetSocketAddress("127.0.0.1", 0), pki.layout(),
        Passphrase.none(), Ledgers.derbyUrl(directory.resolve("data")), 8, 2,
        settings.maxSessions(), settings.maxHandshakes(), settings.initialBalance(),
        settings.maxDeposit(), settings.idleTimeout(), settings.handshakeTimeout(),
        settings.verbosity(), Passphrase.none(), settings.maxConnectionsPerCertificate(),
        settings.tlsEngine());
    return new TestServer(pki, PaymentServer.start(config));
  }

  /**
   * As {@link #start(Path)}, with an operator endpoint on a free port. The activity summary
   * comes only when the test calls {@link PaymentServer#sampleActivity}, so that no timer takes
   * the counts a test is about to read.
   */
  public static TestServer startWithOperatorEndpoint(Path directory) throws IOException {
    TestServer plain = start(directory);
    ServerConfig config = plain.server.config();
    plain.close();
    return new TestServer(plain.pki, PaymentServer.start(config, new OperatorSettings(
        java.util.OptionalInt.of(0), true, Duration.ofDays(1).toMillis())));
  }

  /** The settings tests vary. */
  public record Settings(int maxSessions, int maxHandshakes, long initialBalance,
      long maxDeposit, Duration idleTimeout, Duration handshakeTimeout, Verbosity verbosity,
      int maxConnectionsPerCertificate, TlsEngineChoice tlsEngine) {
    public Settings withMaxSessions(int value) {
      return new Settings(value, maxHandshakes, initialBalance, maxDeposit, idleTimeout,
          handshakeTimeout, verbosity, maxConnectionsPerCertificate, tlsEngine);
    }

    public Settings withMaxHandshakes(int value) {
      return new Settings(maxSessions, value, initialBalance, maxDeposit, idleTimeout,
          handshakeTimeout, verbosity, maxConnectionsPerCertificate, tlsEngine);
    }

    public Settings withMaxDeposit(long value) {
      return new Settings(maxSessions, maxHandshakes, initialBalance, value, idleTimeout,
          handshakeTimeout, verbosity, maxConnectionsPerCertificate, tlsEngine);
    }

    public Settings withIdleTimeout(Duration value) {
      return new Settings(maxSessions, maxHandshakes, initialBalance, maxDeposit, value,
          handshakeTimeout, verbosity, maxConnectionsPerCertificate, tlsEngine);
    }

    /** The server's engine, and its clients' from {@link TestServer#pki}. */
    public Settings withTlsEngine(TlsEngine value) {
      return new Settings(maxSessions, maxHandshakes, initialBalance, maxDeposit, idleTimeout,
          handshakeTimeout, verbosity, maxConnectionsPerCertificate, TlsEngineChoice.of(value));
    }

    public Settings withHandshakeTimeout(Duration value) {
      return new Settings(maxSessions, maxHandshakes, initialBalance, maxDeposit, idleTimeout,
          value, verbosity, maxConnectionsPerCertificate, tlsEngine);
    }

    public Settings withVerbosity(Verbosity value) {
      return new Settings(maxSessions, maxHandshakes, initialBalance, maxDeposit, idleTimeout,
          handshakeTimeout, value, maxConnectionsPerCertificate, tlsEngine);
    }

    public Settings withMaxConnectionsPerCertificate(int value) {
      return new Settings(maxSessions, maxHandshakes, initialBalance, maxDeposit, idleTimeout,
          handshakeTimeout, verbosity, value, tlsEngine);
    }
  }

  public TestPki pki() {
    return pki;
  }

  public PaymentServer server() {
    return server;
  }

  public int port() {
    return server.port();
  }

  /** The ALPN names a version-2 peer offers. */
  public static final ApplicationProtocols MICROPAY_ALPN =
      new ApplicationProtocols(ProtocolVersion.ALPN_NAMES, ProtocolVersion.ALPN_FAMILY);

  /**
   * A TLS connection to the server with {@code name}'s certificate (issued if needed), offering
   * no ALPN: protocol version 1, as the assignment's clients speak it.
   */
  public ProtocolClient connect(String name) throws IOException {
    return connect(name, ApplicationProtocols.NONE);
  }

  /** A connection offering the ALPN names of every version: it speaks version 2. */
  public ProtocolClient connectVersion2(String name) throws IOException {
    return connect(name, MICROPAY_ALPN);
  }

  /** A connection with {@code name}'s certificate offering {@code protocols}. */
  public ProtocolClient connect(String name, ApplicationProtocols protocols)
      throws IOException {
    return new ProtocolClient(pki.peerTls(name, TIMEOUT_MILLIS, protocols)
        .connectToServer("127.0.0.1", port(), TIMEOUT_MILLIS));
  }

  /** Registers and logs in {@code name}, listening (nominally) on {@code port}. */
  public ProtocolClient online(String name, int port) throws IOException {
    ProtocolClient client = connect(name);
    client.expect("REGISTER#" + name, "100 OK");
    client.send(name + "#" + port);
    client.onlineList();
    return client;
  }

  /** Logs in {@code name}, registered before, listening (nominally) on {@code port}. */
  public ProtocolClient login(String name, int port) throws IOException {
    ProtocolClient client = connect(name);
    client.send(name + "#" + port);
    client.onlineList();
    return client;
  }

  @Override
  public void close() {
    server.close();
  }
}
