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
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer's "server of client": a mutual-TLS listener that receives payment requests from
 * payers. One thread accepts; a small bounded pool runs each handshake (under the factory's
 * deadline) and conversation, so several payers are served at once and a flood is refused
 * instead of queued without end.
 *
 * <p>After a complete exchange the connection is kept for the payer's next request
 * ({@link KeepAlive}), so a payer paying the same payee again skips the handshake. A kept
 * connection holds a pool thread while it waits; when every thread is busy and another payer
 * arrives, the connection idle longest is closed to make room. Each request on a kept connection
 * checks the payer's certificate against the CRL of that moment, as a new handshake would.
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
  private final KeepAlive keepAlive;
  private final ThreadPoolExecutor pool;
  private final Thread acceptor;
  /** Kept connections waiting for a next request, longest-waiting first. */
  private final Deque<IdleConnection> idle = new ConcurrentLinkedDeque<>();
  private final AtomicLong connectionsAccepted = new AtomicLong();

  private PeerListener(SSLServerSocket serverSocket, TlsFactory tls, IncomingPayments payments,
      PeerEvents events, Duration requestTimeout, Duration relayTimeout, KeepAlive keepAlive) {
    this.serverSocket = serverSocket;
    this.tls = tls;
    this.payments = payments;
    this.events = events;
    this.requestTimeout = requestTimeout;
    this.relayTimeout = relayTimeout;
    this.keepAlive = keepAlive;
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
   * @param keepAlive how long and for how many requests a payer's connection is kept
   */
  public static PeerListener start(TlsFactory tls, InetSocketAddress address,
      IncomingPayments payments, PeerEvents events, Duration requestTimeout,
      Duration relayTimeout, KeepAlive keepAlive) throws IOException {
    SSLServerSocket socket = tls.bindServerSocket(address, 50);
    PeerListener listener = new PeerListener(socket, tls, payments, events, requestTimeout,
        relayTimeout, keepAlive);
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
    for (IdleConnection connection = idle.poll(); connection != null; connection = idle.poll()) {
      connection.evict();
    }
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
      connectionsAccepted.incrementAndGet();
      makeRoomFor(socket);
      try {
        pool.execute(() -> serve(socket));
      } catch (RejectedExecutionException e) {
        LOG.warn("turned away a payer from {}: {} payers are already waiting",
            socket.getRemoteSocketAddress(), MAX_WAITING_PAYERS);
        Sockets.closeQuietly(socket);
      }
    }
  }

  /** A new payer must not wait behind connections that are only being kept. */
  private void makeRoomFor(SSLSocket socket) {
    if (pool.getActiveCount() < MAX_CONCURRENT_PAYERS) {
      return;
    }
    IdleConnection longest = idle.poll();
    if (longest != null && longest.evict()) {
      LOG.debug("closed a kept connection from {} to serve {}", longest.remoteAddress(),
          socket.getRemoteSocketAddress());
    }
  }

  private void serve(SSLSocket socket) {
    try (socket) {
      // Small writes (handshake flights, a one-line decision) must not wait for Nagle.
      socket.setTcpNoDelay(true);
      PeerIdentity payer = tls.handshake(socket);
      socket.setSoTimeout((int) requestTimeout.toMillis());
      LineReader in = LineReader.forRequests(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      String line = in.readLine();
      for (int served = 1; line != null; served++) {
        if (!answer(socket, payer, line, in, out) || served == keepAlive.maxRequests()) {
          return;
        }
        line = nextRequest(socket, payer, in);
      }
    } catch (IOException e) {
      String reason = TlsFactory.describe(e);
      LOG.warn("payment request from {} failed: {}", socket.getRemoteSocketAddress(), reason);
      events.notice("refused a connection from " + socket.getInetAddress().getHostAddress()
          + ": " + reason);
    }
  }

  /**
   * Decides one request, answers it, and reads the relay of an accepted one.
   *
   * @return whether the exchange completed and the connection may carry another request
   */
  private boolean answer(SSLSocket socket, PeerIdentity payer, String line, LineReader in,
      OutputStream out) throws IOException {
    Decision decision = payments.decide(payer, line);
    out.write(Wire.encodeLine(decision.decision().format()));
    out.flush();
    if (decision.accepted().isEmpty()) {
      return decision.decision().allowsAnotherRequest();
    }
    socket.setSoTimeout((int) relayTimeout.toMillis());
    TransferResult relay = readRelay(in);
    payments.settled(decision.accepted().get(), relay == null
        ? "the payer did not confirm; check your balance with list" : relay.format());
    return relay != null;
  }

  /**
   * Waits up to the keep-alive for the payer's next request on a kept connection.
   *
   * @return the request, or null when the connection is to be closed: the payer closed it or
   *     stayed silent, another payer needed the thread, or the payer's certificate is no longer
   *     acceptable
   */
  private String nextRequest(SSLSocket socket, PeerIdentity payer, LineReader in)
      throws IOException {
    IdleConnection waiting = new IdleConnection(socket);
    idle.add(waiting);
    String line;
    try {
      socket.setSoTimeout((int) keepAlive.idle().toMillis());
      line = in.readLine();
    } catch (SocketTimeoutException | SocketException quiet) {
      // Idle too long, or closed to make room: ending a kept connection is routine.
      return null;
    } finally {
      idle.remove(waiting);
    }
    if (line == null || !waiting.claim()) {
      // A request that raced with the eviction is answered by nobody; the payer sees the
      // connection end before any decision and asks again on a fresh one.
      return null;
    }
    Optional<String> rejection = tls.rejection(payer.certificate());
    if (rejection.isPresent()) {
      LOG.warn("closed the kept connection of {}: {}", payer.accountName(), rejection.get());
      events.notice("refused a payment from " + payer.accountName() + ": "
          + rejection.get());
      return null;
    }
    return line;
  }

  /** The verdict the payer relayed, or null when it sent none or something unreadable. */
  private static TransferResult readRelay(LineReader in) {
    try {
      String line = in.readLine();
      return line == null ? null : TransferResult.parse(line);
    } catch (IOException e) {
      LOG.debug("no usable relay from the payer: {}", e.getMessage());
      return null;
    }
  }

  /** A kept connection waiting for its next request, which the acceptor may close instead. */
  private static final class IdleConnection {
    private final SSLSocket socket;
    private final AtomicBoolean waiting = new AtomicBoolean(true);

    IdleConnection(SSLSocket socket) {
      this.socket = socket;
    }

    Object remoteAddress() {
      return socket.getRemoteSocketAddress();
    }

    /** The serving thread takes the connection back; false when it was evicted first. */
    boolean claim() {
      return waiting.compareAndSet(true, false);
    }

    /** Closes the connection unless its thread claimed it first. */
    boolean evict() {
      if (!waiting.compareAndSet(true, false)) {
        return false;
      }
      Sockets.closeQuietly(socket);
      return true;
    }
  }
}
