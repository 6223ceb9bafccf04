package io.micropay.pki.tls;

import io.micropay.pki.PeerIdentity;
import io.micropay.pki.TlsFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TLS server on 127.0.0.1 port 0 made by a {@link TlsFactory}, the way the payment server and
 * the peer listener use it: accept on one thread, handshake on a worker, log the reason of every
 * failure. It records the outcome of each handshake for the test, and greets a client that got
 * in with {@code hello <account>}.
 */
final class HandshakeRecorder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HandshakeRecorder.class);
  private static final long OUTCOME_WAIT_SECONDS = 20;

  /** The account that got in and the ALPN name agreed, or the reason it did not get in. */
  record Outcome(PeerIdentity identity, String protocol, String failure) {
    boolean succeeded() {
      return identity != null;
    }
  }

  private final TlsFactory tls;
  private final SSLServerSocket serverSocket;
  private final ExecutorService workers = Executors.newFixedThreadPool(4);
  private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
  private final Thread acceptor;

  HandshakeRecorder(TlsFactory tls) throws IOException {
    this.tls = tls;
    this.serverSocket = tls.bindServerSocket(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    this.acceptor = new Thread(this::acceptLoop, "test-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return serverSocket.getLocalPort();
  }

  /** The next handshake's outcome, waiting for it a bounded time. */
  Outcome next() throws InterruptedException {
    Outcome outcome = outcomes.poll(OUTCOME_WAIT_SECONDS, TimeUnit.SECONDS);
    if (outcome == null) {
      throw new AssertionError("no handshake finished within " + OUTCOME_WAIT_SECONDS + " s");
    }
    return outcome;
  }

  private void acceptLoop() {
    while (!serverSocket.isClosed()) {
      try {
        SSLSocket socket = (SSLSocket) serverSocket.accept();
        workers.execute(() -> serve(socket));
      } catch (SocketException closed) {
        return;
      } catch (IOException e) {
        LOG.warn("accept failed: {}", e.getMessage());
      }
    }
  }

  private void serve(SSLSocket socket) {
    try (socket) {
      PeerIdentity identity = tls.handshake(socket);
      OutputStream out = socket.getOutputStream();
      out.write(("hello " + identity.accountName() + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      outcomes.add(new Outcome(identity, TlsFactory.negotiatedProtocol(socket), null));
    } catch (IOException e) {
      String reason = TlsFactory.describe(e);
      LOG.warn("TLS handshake from {} refused: {}", socket.getRemoteSocketAddress(), reason);
      outcomes.add(new Outcome(null, null, reason));
    }
  }

  @Override
  public void close() throws IOException {
    serverSocket.close();
    workers.shutdownNow();
  }
}
