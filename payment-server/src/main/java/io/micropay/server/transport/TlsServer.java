package io.micropay.server.transport;

import io.micropay.pki.TlsFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS server socket of the payment server. One thread only accepts and hands each socket to
 * an {@link IoLoop}; handshakes, with their deadline, happen there and on the worker pool, so a
 * client that stalls its handshake costs a little memory and nobody's time. Beyond
 * {@code maxConnections} a new socket is closed at once, before any TLS.
 */
public final class TlsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TlsServer.class);
  /** Pending TCP connections the kernel may queue for accept. */
  private static final int ACCEPT_BACKLOG = 1024;
  /**
   * Tasks other threads may queue on one I/O loop per connection it may hold: a reply or two
   * per line a connection may have queued, and a few more for closes and handshake steps.
   */
  static final int MAX_LOOP_TASKS_PER_CONNECTION = 8;
  /** The floor of the loop task bound, for servers that allow few connections. */
  static final int MIN_LOOP_TASKS = 4_096;

  private final ServerSocketChannel serverChannel;
  private final List<IoLoop> loops;
  private final TransportCounters counters;
  private final TransportLimits limits;
  private final TlsFactory tls;
  private final ExecutorService workers;
  private final ConnectionAcceptor acceptor;
  private final AtomicLong connectionIds = new AtomicLong();
  private final Thread acceptThread;

  private TlsServer(ServerSocketChannel serverChannel, List<IoLoop> loops,
      TransportCounters counters, TransportLimits limits, TlsFactory tls,
      ExecutorService workers, ConnectionAcceptor acceptor) {
    this.serverChannel = serverChannel;
    this.loops = loops;
    this.counters = counters;
    this.limits = limits;
    this.tls = tls;
    this.workers = workers;
    this.acceptor = acceptor;
    this.acceptThread = new Thread(this::acceptLoop, "tls-accept");
  }

  /** Binds {@code address} and starts accepting. */
  public static TlsServer start(TlsFactory tls, InetSocketAddress address, TransportLimits limits,
      ExecutorService workers, ConnectionAcceptor acceptor) throws IOException {
    return start(tls, address, limits, workers, acceptor, TransportEvents.NONE);
  }

  /** As above, telling {@code events} what happens to connections. */
  public static TlsServer start(TlsFactory tls, InetSocketAddress address, TransportLimits limits,
      ExecutorService workers, ConnectionAcceptor acceptor, TransportEvents events)
      throws IOException {
    ServerSocketChannel channel = ServerSocketChannel.open();
    try {
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      channel.bind(address, ACCEPT_BACKLOG);
      TransportCounters counters = new TransportCounters(limits.maxHandshakes(), events);
      List<IoLoop> loops = new ArrayList<>();
      int maxQueuedTasks = (int) Math.min(Integer.MAX_VALUE, Math.max(MIN_LOOP_TASKS,
          (long) MAX_LOOP_TASKS_PER_CONNECTION * limits.maxConnections() / limits.ioThreads()));
      for (int i = 0; i < limits.ioThreads(); i++) {
        loops.add(new IoLoop("tls-io-" + i, counters, maxQueuedTasks));
      }
      TlsServer server = new TlsServer(channel, loops, counters, limits, tls, workers, acceptor);
      loops.forEach(IoLoop::start);
      server.acceptThread.start();
      return server;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** The address actually bound (the port is chosen by the system when 0 was asked for). */
  public InetSocketAddress address() {
    try {
      return (InetSocketAddress) serverChannel.getLocalAddress();
    } catch (IOException e) {
      throw new IllegalStateException("the server channel has no address", e);
    }
  }

  /** Connections open now, handshaking or authenticated. */
  public int openConnections() {
    return counters.open();
  }

  /** Whether the listening socket is open (it accepts new connections). */
  public boolean isAccepting() {
    return serverChannel.isOpen() && acceptThread.isAlive();
  }

  /** Connections still in the TLS handshake now. */
  public int handshakingConnections() {
    return counters.handshaking();
  }

  /**
   * Connections refused or cut off so far because of {@code limit} (the labels of
   * {@link TransportEvents#refused}).
   */
  public long refusals(String limit) {
    return counters.refusals(limit);
  }

  /** Connections closed so far by a broken invariant in the transport: 0 unless there is a bug. */
  public long internalErrors() {
    return counters.internalErrors();
  }

  /** Reply bytes queued for all connections now. */
  public long queuedOutputBytes() {
    return counters.queuedOutputBytes();
  }

  /** Calls {@code action} on each authenticated connection, on its I/O thread. */
  public void forEachConnection(Consumer<Connection> action) {
    loops.forEach(loop -> loop.forEachConnection(action));
  }

  /** Stops accepting new connections; open ones carry on. */
  public void stopAccepting() {
    try {
      serverChannel.close();
    } catch (IOException e) {
      LOG.debug("closing the server channel failed: {}", e.getMessage());
    }
  }

  /** Stops accepting and closes every connection. */
  @Override
  public void close() {
    stopAccepting();
    for (IoLoop loop : loops) {
      loop.shutdown(2_000);
    }
    try {
      acceptThread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acceptLoop() {
    int next = 0;
    while (serverChannel.isOpen()) {
      SocketChannel channel;
      try {
        channel = serverChannel.accept();
      } catch (AsynchronousCloseException closed) {
        return;
      } catch (IOException e) {
        // Typically "too many open files": say so, and do not spin on it.
        LOG.error("accept failed: {}", e.getMessage());
        pause();
        continue;
      }
      if (!counters.tryOpen(limits.maxConnections())) {
        LOG.warn("refusing a connection from {}: {} connections are open (the limit)",
            remote(channel), limits.maxConnections());
        closeQuietly(channel);
        continue;
      }
      IoLoop loop = loops.get(next);
      next = (next + 1) % loops.size();
      long id = connectionIds.incrementAndGet();
      try {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        loop.adopt(channel, (owner, records) -> new LineConnection(id, owner, records,
            tls.serverEngines(), workers, acceptor, limits, counters));
      } catch (IOException | RuntimeException e) {
        counters.release();
        closeQuietly(channel);
        LOG.warn("cannot set up a connection from {}: {}", remote(channel), e.getMessage());
      }
    }
  }

  private static Object remote(SocketChannel channel) {
    try {
      return channel.getRemoteAddress();
    } catch (IOException e) {
      return "?";
    }
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // Nothing was sent on it; there is nobody to tell.
    }
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
