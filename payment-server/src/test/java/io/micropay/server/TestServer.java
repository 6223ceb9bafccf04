package io.micropay.server;

import io.micropay.pki.Passphrase;
import io.micropay.testing.TestPki;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real payment server for tests: its own throwaway PKI, a Derby ledger in a temporary folder,
 * TLS on 127.0.0.1 at a port the system picks. Close it to shut everything down.
 */
final class TestServer implements AutoCloseable {
  static final int TIMEOUT_MILLIS = 5_000;

  private final TestPki pki;
  private final PaymentServer server;

  private TestServer(TestPki pki, PaymentServer server) {
    this.pki = pki;
    this.server = server;
  }

  /** A server with default settings in {@code directory}. */
  static TestServer start(Path directory) throws IOException {
    return start(directory, settings -> settings);
  }

  /** A server whose settings {@code adjust} may change. */
  static TestServer start(Path directory, java.util.function.UnaryOperator<Settings> adjust)
      throws IOException {
    TestPki pki = TestPki.create(directory.resolve("ssl"));
    Settings settings = adjust.apply(new Settings(64, 10_000, 1_000_000, Duration.ofMinutes(5),
        Duration.ofSeconds(5)));
    ServerConfig config = new ServerConfig(new InetSocketAddress("127.0.0.1", 0), pki.layout(),
        Passphrase.none(), ServerConfig.derbyUrl(directory.resolve("data")), 8, 2,
        settings.maxSessions(), 100, settings.initialBalance(), settings.maxDeposit(),
        settings.idleTimeout(), settings.handshakeTimeout(), Verbosity.ALL);
    return new TestServer(pki, PaymentServer.start(config));
  }

  /** The settings tests vary. */
  record Settings(int maxSessions, long initialBalance, long maxDeposit, Duration idleTimeout,
      Duration handshakeTimeout) {
    Settings withMaxSessions(int value) {
      return new Settings(value, initialBalance, maxDeposit, idleTimeout, handshakeTimeout);
    }

    Settings withMaxDeposit(long value) {
      return new Settings(maxSessions, initialBalance, value, idleTimeout, handshakeTimeout);
    }

    Settings withIdleTimeout(Duration value) {
      return new Settings(maxSessions, initialBalance, maxDeposit, value, handshakeTimeout);
    }
  }

  TestPki pki() {
    return pki;
  }

  PaymentServer server() {
    return server;
  }

  int port() {
    return server.port();
  }

  /** A TLS connection to the server with {@code name}'s certificate (issued if needed). */
  ProtocolClient connect(String name) throws IOException {
    return new ProtocolClient(pki.peerTls(name, TIMEOUT_MILLIS)
        .connectToServer("127.0.0.1", port(), TIMEOUT_MILLIS));
  }

  /** Registers and logs in {@code name}, listening (nominally) on {@code port}. */
  ProtocolClient online(String name, int port) throws IOException {
    ProtocolClient client = connect(name);
    client.expect("REGISTER#" + name, "100 OK");
    client.send(name + "#" + port);
    client.onlineList();
    return client;
  }

  /** Logs in {@code name}, registered before, listening (nominally) on {@code port}. */
  ProtocolClient login(String name, int port) throws IOException {
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
