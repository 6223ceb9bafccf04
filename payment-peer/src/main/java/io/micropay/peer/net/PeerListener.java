package io.micropay.peer.net;

import io.micropay.peer.IncomingPayments;
import io.micropay.peer.PeerEvents;
import io.micropay.pki.TlsFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer's "server of client": a mutual-TLS listener that receives payment requests from
 * payers. One thread accepts; a small bounded pool runs each handshake (under the factory's
 * deadline) and conversation ({@link PayerConversation}), so several payers are served at once
 * and a flood is refused instead of queued without end.
 *
 * <p>A few slow or silent connections cannot shut the others out. A payer has a deadline for its
 * whole request, not for each read; one certificate holds at most {@link #MAX_CONNECTIONS_PER_PAYER}
 * connections at once; and when every thread is busy and another payer connects, a connection
 * that is only waiting (kept for a next request, still in its handshake, still sending its
 * request, the oldest first) is closed to make room ({@link ListenerSlots}).
 *
 * <p>After a complete exchange the connection is kept for the payer's next request
 * ({@link KeepAlive}), so a payer paying the same payee again skips the handshake. Each request
 * on a kept connection checks the payer's certificate against the CRL of that moment, as a new
 * handshake would.
 */
public final class PeerListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeerListener.class);
  /** Payers served at once. */
  public static final int MAX_CONCURRENT_PAYERS = 8;
  /** Payers waiting for a thread before new ones are turned away. */
  public static final int MAX_WAITING_PAYERS = 32;
  /** Connections one payer's certificate may hold at once. */
  public static final int MAX_CONNECTIONS_PER_PAYER = 2;
  /** The pause after a failed accept (too many open files, say), so the loop does not spin. */
  static final long ACCEPT_FAILURE_PAUSE_MILLIS = 50;

  private final SSLServerSocket serverSocket;
  private final PayerConversation.Settings settings;
  private final ThreadPoolExecutor pool;
  private final Thread acceptor;
  private final AtomicLong connectionsAccepted = new AtomicLong();

  private PeerListener(SSLServerSocket serverSocket, PayerConversation.Settings settings) {
    this.serverSocket = serverSocket;
    this.settings = settings;
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
   * @param requestTimeout how long a payer has to send its whole request after the handshake
   * @param relayTimeout how long to wait for the payer to relay the server's verdict
   * @param keepAlive how long and for how many requests a payer's connection is kept
   */
  public static PeerListener start(TlsFactory tls, InetSocketAddress address,
      IncomingPayments payments, PeerEvents events, Duration requestTimeout,
      Duration relayTimeout, KeepAlive keepAlive) throws IOException {
    return start(tls.bindServerSocket(address, 50), tls, payments, events, requestTimeout,
        relayTimeout, keepAlive);
  }

  /** As above, on a server socket already bound (in tests, one that fails as a kernel does). */
  static PeerListener start(SSLServerSocket socket, TlsFactory tls, IncomingPayments payments,
      PeerEvents events, Duration requestTimeout, Duration relayTimeout, KeepAlive keepAlive) {
    PeerListener listener = new PeerListener(socket, new PayerConversation.Settings(tls,
        payments, events, requestTimeout, relayTimeout, keepAlive,
        new ListenerSlots(MAX_CONNECTIONS_PER_PAYER), MAX_CONNECTIONS_PER_PAYER));
    listener.acceptor.start();
    return listener;
  }

  /** The port payers connect to. */
  public int port() {
    return serverSocket.getLocalPort();
  }

  /** Connections accepted since the start: with keep-alive, fewer than payments served. */
  public long connectionsAccepted() {
    return connectionsAccepted.get();
  }

  @Override
  public void close() {
    Sockets.closeQuietly(serverSocket);
    pool.shutdownNow();
    while (settings.slots().evictOne() != null) {
      // Closes each waiting connection; the busy ones end as their threads are interrupted.
    }
  }

  private void acceptLoop() {
    while (!serverSocket.isClosed()) {
      SSLSocket socket;
      try {
        socket = (SSLSocket) serverSocket.accept();
      } catch (IOException e) {
        if (serverSocket.isClosed()) {
          return;
        }
        // Typically "too many open files", which the JDK reports as a SocketException, the
        // same class as "socket closed": only the socket's state tells them apart. Say so, and
        // do not spin on it; the payers already connected are served meanwhile.
        LOG.warn("accepting a payer failed: {}", e.getMessage());
        pause();
        continue;
      }
      connectionsAccepted.incrementAndGet();
      makeRoomFor(socket);
      try {
        pool.execute(() -> new PayerConversation(settings, socket).serve());
      } catch (RejectedExecutionException e) {
        LOG.warn("turned away a payer from {}: {} payers are already waiting",
            socket.getRemoteSocketAddress(), MAX_WAITING_PAYERS);
        Sockets.closeQuietly(socket);
      }
    }
  }

  /** A new payer must not wait behind connections that are only waiting themselves. */
  private void makeRoomFor(SSLSocket socket) {
    if (pool.getActiveCount() < MAX_CONCURRENT_PAYERS) {
      return;
    }
    ListenerSlots.Slot evicted = settings.slots().evictOne();
    if (evicted != null) {
      LOG.debug("closed a waiting connection from {} to serve {}", evicted.remoteAddress(),
          socket.getRemoteSocketAddress());
    }
  }

  private static void pause() {
    try {
      Thread.sleep(ACCEPT_FAILURE_PAUSE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
