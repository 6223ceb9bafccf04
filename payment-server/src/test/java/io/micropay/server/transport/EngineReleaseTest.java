package io.micropay.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micropay.pki.TlsFactory;
import io.micropay.pki.tls.TlsContexts;
import io.micropay.pki.tls.TlsEngine;
import io.micropay.testing.Await;
import io.micropay.pki.testing.RogueTlsClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every engine the transport makes is released, on every path and on each TLS engine: after two
 * thousand connections over loopback that end in every way a connection ends (cleanly, refused
 * in the handshake, cut off before, during and after it), no engine is left live and no
 * connection open (Conscrypt frees a BoringSSL engine's native state once both directions are
 * closed, which the release does).
 */
@Timeout(180)
@ParameterizedClass(name = "{0} engine")
@EnumSource(TlsEngine.class)
class EngineReleaseTest {
  /** Connections of each kind. */
  private static final int EACH = 300;

  @TempDir
  Path directory;

  @Parameter
  TlsEngine engine;

  @Test
  void afterThousandsOfConnectionsEndingInEveryWayNoEngineIsLive() throws Exception {
    try (TransportHarness harness = new TransportHarness(directory, TransportHarness.limits(),
        engine)) {
      int port = harness.server.address().getPort();
      TlsFactory alice = harness.pki.peerTls("alice", TransportHarness.TIMEOUT_MILLIS);
      RogueTlsClient stranger = RogueTlsClient.presenting(
          harness.pki.peerFromAnotherCa("mallory", directory.resolve("other")));
      RogueTlsClient aliceRaw = RogueTlsClient.presenting(harness.pki.peer("alice"));
      TlsContexts helloMaker = MemoryClient.context(harness.pki, "alice");
      for (int round = 0; round < EACH; round++) {
        conversation(alice, port);
        tcpOnly(port);
        notTls(port);
        halfAHello(helloMaker, port);
        refusedInTheHandshake(stranger, port);
        resetAfterTheHandshake(aliceRaw, port);
        finWithoutCloseNotify(aliceRaw, port);
      }
      Await.until("every connection closed and every engine released", Duration.ofSeconds(60),
          () -> harness.server.openConnections() == 0 && harness.tls.serverEngines().live() == 0);
      assertEquals(0, harness.tls.serverEngines().live());
      assertEquals(0, harness.server.internalErrors());
    }
  }

  private static void conversation(TlsFactory alice, int port) throws IOException {
    try (SSLSocket socket = alice.connectToServer("127.0.0.1", port,
        TransportHarness.TIMEOUT_MILLIS)) {
      socket.setSoTimeout(TransportHarness.TIMEOUT_MILLIS);
      socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      assertEquals("echo hello", new BufferedReader(new InputStreamReader(
          socket.getInputStream(), StandardCharsets.US_ASCII)).readLine());
    }
  }

  private static void tcpOnly(int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), TransportHarness.TIMEOUT_MILLIS);
    }
  }

  private static void notTls(int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), TransportHarness.TIMEOUT_MILLIS);
      socket.setSoTimeout(TransportHarness.TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      out.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      drain(socket);
    }
  }

  /** The first half of a real ClientHello, then the connection is gone. */
  private static void halfAHello(TlsContexts helloMaker, int port) throws IOException {
    ByteBuffer hello = ByteBuffer.allocate(1 << 16);
    SSLEngine engine = MemoryClient.engine(helloMaker, null);
    engine.wrap(ByteBuffer.allocate(0), hello);
    hello.flip();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), TransportHarness.TIMEOUT_MILLIS);
      socket.getOutputStream().write(hello.array(), 0, hello.remaining() / 2);
      socket.getOutputStream().flush();
    }
  }

  private static void refusedInTheHandshake(RogueTlsClient stranger, int port) {
    assertThrows(IOException.class, () -> {
      try (SSLSocket socket = stranger.connect(port, TransportHarness.TIMEOUT_MILLIS)) {
        // TLS 1.3: the client finishes first; the refusal shows on the first read.
        socket.getInputStream().read();
      }
    });
  }

  private static void resetAfterTheHandshake(RogueTlsClient alice, int port) throws IOException {
    Socket plain = new Socket();
    alice.connectOver(plain, port, TransportHarness.TIMEOUT_MILLIS);
    plain.setSoLinger(true, 0);
    plain.close();
  }

  private static void finWithoutCloseNotify(RogueTlsClient alice, int port) throws IOException {
    try (Socket plain = new Socket()) {
      SSLSocket socket = alice.connectOver(plain, port, TransportHarness.TIMEOUT_MILLIS);
      socket.getOutputStream().write("bye\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      plain.shutdownOutput();
      drain(socket);
    }
  }

  /** Reads until the server closes (a bounded amount of time: the socket's timeout). */
  private static void drain(Socket socket) {
    try {
      while (socket.getInputStream().read() >= 0) {
        // What the server still sends (an answer, an alert) is not what is tested here.
      }
    } catch (IOException closed) {
      // Reset by the server: closed as well.
    }
  }
}
