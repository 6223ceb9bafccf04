package io.micropay.server.transport;

import io.micropay.pki.TlsFactory;
import io.micropay.pki.tls.TlsEngine;
import io.micropay.pki.tls.TlsEngineChoice;
import io.micropay.pki.testing.TestPki;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SSLSocket;

/**
 * A real {@link TlsServer} on 127.0.0.1, port 0, with a throwaway PKI and a handler that records
 * what the transport calls, for tests of the transport alone (no sessions, no ledger). Each line
 * is answered with {@code reply(line)} unless the test holds the answers back.
 */
final class TransportHarness implements AutoCloseable {
  static final int TIMEOUT_MILLIS = 5_000;

  final TestPki pki;
  final TlsFactory tls;
  final RefusingPool workers = new RefusingPool(2);
  final TlsServer server;
  final AtomicInteger accepted = new AtomicInteger();
  final AtomicInteger closedCalls = new AtomicInteger();
  final BlockingQueue<String> closeReasons = new LinkedBlockingQueue<>();
  final List<String> lines = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
  final BlockingQueue<Connection> connections = new LinkedBlockingQueue<>();
  /** While set, each line's handling waits for this stage (a transfer waiting for its commit). */
  volatile CompletableFuture<Void> holdLines;
  /** The most lines seen queued behind a line being handled. */
  final AtomicInteger maxQueuedLines = new AtomicInteger();
  volatile Function<String, String> reply = line -> "echo " + line;

  TransportHarness(Path directory, TransportLimits limits) throws IOException {
    this(directory, limits, TlsEngineChoice.automatic().engine());
  }

  /** A harness whose server and clients use {@code engine}. */
  TransportHarness(Path directory, TransportLimits limits, TlsEngine engine) throws IOException {
    this.pki = TestPki.create(directory.resolve("ssl")).usingEngine(engine);
    this.tls = pki.serverTls(TIMEOUT_MILLIS);
    this.server = TlsServer.start(tls, new InetSocketAddress("127.0.0.1", 0), limits, workers,
        connection -> {
          accepted.incrementAndGet();
          connections.add(connection);
          return new Recorder(connection);
        });
  }

  static TransportLimits limits() {
    return limits(8);
  }

  /** The harness's limits with {@code maxConnectionsPerCertificate}. */
  static TransportLimits limits(int maxConnectionsPerCertificate) {
    return new TransportLimits(TIMEOUT_MILLIS, 60_000, 64, 1_000, 1_024, 64, 1 << 20, 1,
        64L << 20, maxConnectionsPerCertificate);
  }

  SSLSocket connect(String name) throws IOException {
    SSLSocket socket = pki.peerTls(name, TIMEOUT_MILLIS)
        .connectToServer("127.0.0.1", server.address().getPort(), TIMEOUT_MILLIS);
    socket.setSoTimeout(TIMEOUT_MILLIS);
    return socket;
  }

  /** The server side of the next connection accepted. */
  Connection nextConnection() throws InterruptedException {
    Connection connection = connections.poll(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    if (connection == null) {
      throw new AssertionError("no connection was accepted within " + TIMEOUT_MILLIS + " ms");
    }
    return connection;
  }

  /** The reason of the next {@code onClosed}, or null when none came in time. */
  String nextCloseReason() throws InterruptedException {
    return closeReasons.poll(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    server.close();
    workers.shutdownNow();
  }

  private final class Recorder implements InboundHandler {
    private final Connection connection;

    Recorder(Connection connection) {
      this.connection = connection;
    }

    @Override
    public CompletionStage<?> onLine(String line) {
      lines.add(line);
      maxQueuedLines.accumulateAndGet(((LineConnection) connection).queuedLines(), Math::max);
      String answer = reply.apply(line);
      if (answer != null) {
        connection.send((answer + "\n").getBytes(StandardCharsets.US_ASCII));
      }
      return holdLines;
    }

    @Override
    public void onLineTooLong() {
      connection.sendAndClose("too long\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void onIdle(long idleTimeoutMillis) {
      connection.close("idle");
    }

    @Override
    public void onClosed(String reason) {
      closedCalls.incrementAndGet();
      closeReasons.add(reason);
    }
  }
}
