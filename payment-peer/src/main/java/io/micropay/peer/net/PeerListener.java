package io.micropay.peer.net;

import io.micropay.peer.IncomingPayments.Decision;
import io.micropay.peer.IncomingPayments;
import io.micropay.peer.PeerEvents;
import io.micropay.pki.PeerIdentity;
import io.micropay.pki.TlsFactory;
import io.micropay.protocol.LineReader;
import io.micropay.protocol.TransferResult;
import io.micropay.protocol.Wire;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer's "server of client": a mutual-TLS listener that receives payment requests from
 * payers. One thread accepts; a small bounded pool runs each handshake (under the factory's
 * deadline) and conversation, so several payers are served at once and a flood is refused
 * instead of queued without end.
 */
public final class PeerListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeerListener.class);
  /** Payers served at once. */
  public static final int MAX_CONCURRENT_PAYERS = 8;
  /** Payers waiting for a thread before new ones are turned away. */
  public static final int MAX_WAITING_PAYERS = 32;

  private final SSLServerSocket serverSocket;
  private final TlsFactory tls;
  private final IncomingPayments payments;
  private final PeerEvents events;
  private final Duration requestTimeout;
  private final Duration relayTimeout;
  private final ThreadPoolExecutor pool;
  private final Thread acceptor;

  private PeerListener(SSLServerSocket serverSocket, TlsFactory tls, IncomingPayments payments,
      PeerEvents events, Duration requestTimeout, Duration relayTimeout) {
    this.serverSocket = serverSocket;
    this.tls = tls;
    this.payments = payments;
    this.events = events;
    this.requestTimeout = requestTimeout;
    this.relayTimeout = relayTimeout;
    AtomicInteger threads = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(MAX_CONCURRENT_PAYERS, MAX_CONCURRENT_PAYERS, 30,
        TimeUnit.SECONDS, new ArrayBlockingQueue<>(MAX_WAITING_PAYERS), runnable -> {
          Thread thread = new Thread(runnable, "payee-" + threads.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    pool.allowCoreThreadTimeOut(true);
    this.acceptor = new Thread(this::acceptLoop, "payee-accept");
    acceptor.setDaemon(true);
  }

  /**
   * Listens on {@code address} (port 0: any free port).
   *
   * @param requestTimeout how long a payer has to send its request after the handshake
   * @param relayTimeout how long to wait for the payer to relay the server's verdict
   */
  public static PeerListener start(TlsFactory tls, InetSocketAddress address,
      IncomingPayments payments, PeerEvents events, Duration requestTimeout,
      Duration relayTimeout) throws IOException {
    SSLServerSocket socket = tls.bindServerSocket(address, 50);
    PeerListener listener = new PeerListener(socket, tls, payments, events, requestTimeout,
        relayTimeout);
    listener.acceptor.start();
    return listener;
  }

  /** The port payers connect to. */
  public int port() {
    return serverSocket.getLocalPort();
  }

  @Override
  public void close() {
    try {
      serverSocket.close();
    } catch (IOException ignored) {
      // Closing to stop; nothing more to do.
    }
    pool.shutdownNow();
  }

  private void acceptLoop() {
    while (!serverSocket.isClosed()) {
      SSLSocket socket;
      try {
        socket = (SSLSocket) serverSocket.accept();
      } catch (SocketException closed) {
        return;
      } catch (IOException e) {
        LOG.warn("accepting a payer failed: {}", e.getMessage());
        continue;
      }
      try {
        pool.execute(() -> serve(socket));
      } catch (RejectedExecutionException e) {
        LOG.warn("turned away a payer from {}: {} payers are already waiting",
            socket.getRemoteSocketAddress(), MAX_WAITING_PAYERS);
        closeQuietly(socket);
      }
    }
  }

  private void serve(SSLSocket socket) {
    try (socket) {
      // Small writes (handshake flights, a one-line decision) must not wait for Nagle.
      socket.setTcpNoDelay(true);
      PeerIdentity payer = tls.handshake(socket);
      socket.setSoTimeout((int) requestTimeout.toMillis());
      LineReader in = LineReader.forRequests(socket.getInputStream());
      String line = in.readLine();
      if (line == null) {
        return;
      }
      Decision decision = payments.decide(payer, line);
      OutputStream out = socket.getOutputStream();
      out.write(Wire.encodeLine(decision.decision().format()));
      out.flush();
      if (decision.accepted().isPresent()) {
        socket.setSoTimeout((int) relayTimeout.toMillis());
        payments.settled(decision.accepted().get(), relayed(in));
      }
    } catch (IOException e) {
      String reason = TlsFactory.describe(e);
      LOG.warn("payment request from {} failed: {}", socket.getRemoteSocketAddress(), reason);
      events.notice("refused a connection from " + socket.getInetAddress().getHostAddress()
          + ": " + reason);
    }
  }

  /** The server's verdict as the payer relayed it, in words. */
  private static String relayed(LineReader in) {
    try {
      String line = in.readLine();
      if (line == null) {
        return "the payer did not confirm; check your balance with list";
      }
      return TransferResult.parse(line).format();
    } catch (IOException e) {
      return "no confirmation from the payer (" + e.getMessage() + "); check with list";
    }
  }

  private static void closeQuietly(SSLSocket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Turning it away is all there is to do.
    }
  }
}
