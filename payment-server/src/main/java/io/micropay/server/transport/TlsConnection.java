package io.micropay.server.transport;

import io.micropay.pki.PeerIdentity;
import io.micropay.pki.TlsFactory;
import io.micropay.pki.tls.HandshakeFailure;
import io.micropay.pki.tls.HandshakeFailures;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TLS connection driven by an {@link IoLoop}: the {@link SSLEngine}'s handshake and records,
 * and the queue of what goes back; the lines of what the client sends are {@link InboundLines}'
 * job. Everything except the {@link Connection} methods runs on the loop's thread; those methods
 * post to it. The engine's delegated tasks (certificate checks, signatures) run on the worker
 * pool, so they do not stall the loop.
 */
final class TlsConnection implements Connection, InboundLines.Transport {
  private static final Logger LOG = LoggerFactory.getLogger(TlsConnection.class);
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  static final String OVERLOADED = "the server is overloaded (worker queue full)";

  private enum State { HANDSHAKING, OPEN, CLOSED }

  private final long id;
  private final IoLoop loop;
  private final SocketChannel channel;
  private final SSLEngine engine;
  private final RecordBuffers records;
  private final TlsFactory tls;
  private final Executor workers;
  private final ConnectionAcceptor acceptor;
  private final TransportLimits limits;
  private final TransportCounters counters;
  private final InboundLines lines;
  private final ConnectionDeadlines deadlines;
  private final long acceptedMillis = System.currentTimeMillis();
  private final InetSocketAddress remote;
  private final OutboundReplies outbound;
  /** Set once a close was asked for from outside the loop, so it is queued once at most. */
  final AtomicBoolean closeRequested = new AtomicBoolean();

  private SelectionKey key;
  private State state = State.HANDSHAKING;
  private boolean taskRunning;
  private boolean readPaused;
  /** The client ended its side (FIN or close_notify): answer what it asked, then close. */
  private boolean inputEnded;
  private boolean closeAfterFlush;
  private String closeAfterFlushReason = "closed by the server";
  private String countedAccount;
  /** Why the handshake failed, when the connection closes during it; counted by the loop. */
  private HandshakeFailure.Reason handshakeFailureReason = HandshakeFailure.Reason.CLOSED;
  private volatile PeerIdentity identity;
  private volatile String applicationProtocol = "";

  TlsConnection(long id, IoLoop loop, SocketChannel channel, TlsFactory tls, Executor workers,
      ConnectionAcceptor acceptor, TransportLimits limits, TransportCounters counters) {
    this.id = id;
    this.loop = loop;
    this.channel = channel;
    this.tls = tls;
    this.remote = remoteOf(channel);
    this.engine = tls.newServerEngine(remote);
    this.records = new RecordBuffers(channel, engine, loop.packetBuffers());
    this.workers = workers;
    this.acceptor = acceptor;
    this.limits = limits;
    this.counters = counters;
    this.outbound = new OutboundReplies(limits, counters);
    this.lines = new InboundLines(id, workers, limits.maxLineBytes(), limits.maxQueuedLines(),
        this);
    this.deadlines = new ConnectionDeadlines(limits, System.nanoTime());
  }

  // ---- Connection: callable from any thread ----

  @Override
  public long id() {
    return id;
  }

  @Override
  public InetAddress remoteAddress() {
    return remote.getAddress();
  }

  @Override
  public PeerIdentity identity() {
    return identity;
  }

  @Override
  public String applicationProtocol() {
    return applicationProtocol;
  }

  @Override
  public void afterPending(Runnable task) {
    post(() -> lines.afterPending(task));
  }

  @Override
  public void send(byte[] bytes) {
    enqueue(bytes, false);
  }

  @Override
  public void sendAndClose(byte[] bytes) {
    enqueue(bytes, true);
  }

  @Override
  public void close(String reason) {
    post(() -> closeNow(reason));
  }

  // ---- InboundLines.Transport ----

  @Override
  public void queueDrained() {
    post(this::resumeReading);
  }

  @Override
  public void overloaded() {
    closeNow(OVERLOADED);
  }

  @Override
  public void requestFailed(String reason) {
    close(reason);
  }

  // ---- loop thread ----

  void register(SelectionKey selectionKey) {
    this.key = selectionKey;
  }

  /** Why the handshake failed, for a connection that closed during it. */
  HandshakeFailure.Reason handshakeFailureReason() {
    return handshakeFailureReason;
  }

  /** Closes a connection still in its handshake to make room for newer ones. */
  void dropFromHandshake(String reason) {
    post(() -> {
      handshakeFailureReason = HandshakeFailure.Reason.DROPPED;
      closeNow(reason);
    });
  }

  boolean isHandshaking() {
    return state == State.HANDSHAKING;
  }

  boolean isClosed() {
    return state == State.CLOSED;
  }

  long acceptedNanos() {
    return deadlines.acceptedNanos();
  }

  /** Lines received and not yet handled (for tests of the back-pressure). */
  int queuedLines() {
    return lines.queuedLines();
  }

  /** Closes when a deadline has passed; called by the loop's periodic sweep. */
  void sweep(long nowNanos) {
    if (state == State.CLOSED) {
      return;
    }
    switch (deadlines.check(nowNanos, state == State.HANDSHAKING)) {
      case HANDSHAKE_EXPIRED -> {
        handshakeFailureReason = HandshakeFailure.Reason.TIMEOUT;
        closeNow("the TLS handshake did not finish within " + limits.handshakeTimeoutMillis()
            + " ms");
      }
      case REPORT_IDLE -> lines.idle(limits.idleTimeoutMillis());
      case CLOSE_IDLE -> closeNow("idle for more than " + limits.idleTimeoutMillis() + " ms");
      case NONE -> { }
      default -> throw new IllegalStateException("unknown verdict");
    }
  }

  void onReady(int readyOps) {
    try {
      if ((readyOps & SelectionKey.OP_READ) != 0 && !readPaused) {
        int read = records.read();
        if (read < 0) {
          endOfInput("the client closed the connection");
        } else if (read > 0) {
          deadlines.input(System.nanoTime());
        }
      }
      pump();
    } catch (IOException e) {
      fail(e);
    }
  }

  /**
   * Moves data through the engine until nothing more can happen without I/O or a task. An
   * {@link IOException} is the client's doing and closes; a {@link RuntimeException} is a broken
   * invariant here: the connection closes and the exception goes on to the loop, which logs it
   * with its stack.
   */
  void pump() {
    try {
      boolean progress = true;
      while (progress && state != State.CLOSED && !taskRunning) {
        progress = false;
        HandshakeStatus status = engine.getHandshakeStatus();
        if (status == HandshakeStatus.NEED_TASK) {
          runDelegatedTasks();
          return;
        }
        if (status == HandshakeStatus.NEED_WRAP || hasOutput()) {
          progress |= wrap();
        }
        if (!readPaused && (status == HandshakeStatus.NEED_UNWRAP
            || status == HandshakeStatus.NEED_UNWRAP_AGAIN
            || status == HandshakeStatus.NOT_HANDSHAKING)) {
          progress |= unwrap();
        }
      }
      records.flush();
      finishCloseIfDone();
      updateInterest();
      records.returnEmpty();
    } catch (IOException e) {
      if (e instanceof SSLException) {
        records.sendAlert(loop.plaintextBuffer());
      }
      fail(e);
    } catch (RuntimeException e) {
      closeNow("internal error: " + e);
      throw e;
    }
  }

  private boolean hasOutput() {
    return !outbound.isEmpty() || (closeAfterFlush && !engine.isOutboundDone());
  }

  private boolean wrap() throws IOException {
    if (records.hasUnsent() && !records.flush()) {
      return false;
    }
    if (closeAfterFlush && outbound.isEmpty() && state == State.OPEN) {
      engine.closeOutbound();
    }
    ByteBuffer source = outbound.isEmpty() || state != State.OPEN ? EMPTY : outbound.next();
    SSLEngineResult result = records.wrap(source);
    if (source != EMPTY) {
      outbound.consumed(result.bytesConsumed());
    }
    checkFinished(result);
    switch (result.getStatus()) {
      case OK:
        return result.bytesProduced() > 0 || result.bytesConsumed() > 0;
      case BUFFER_OVERFLOW:
        return records.flush();
      case CLOSED:
        return result.bytesProduced() > 0;
      default:
        throw new IllegalStateException("wrap returned " + result.getStatus());
    }
  }

  private boolean unwrap() throws IOException {
    if (!records.hasInput()) {
      return false;
    }
    ByteBuffer plaintext = loop.plaintextBuffer();
    plaintext.clear();
    SSLEngineResult result = records.unwrap(plaintext);
    checkFinished(result);
    switch (result.getStatus()) {
      case OK:
        plaintext.flip();
        deliver(plaintext);
        return result.bytesConsumed() > 0 || result.bytesProduced() > 0;
      case BUFFER_UNDERFLOW:
        records.growInputIfFull();
        return false;
      case BUFFER_OVERFLOW:
        throw new IllegalStateException("the loop's plaintext buffer is smaller than a record");
      case CLOSED:
        endOfInput("the client ended the TLS session");
        return false;
      default:
        throw new IllegalStateException("unwrap returned " + result.getStatus());
    }
  }

  private void checkFinished(SSLEngineResult result) {
    if (result.getHandshakeStatus() == HandshakeStatus.FINISHED && state == State.HANDSHAKING) {
      onHandshakeFinished();
    }
  }

  private void onHandshakeFinished() {
    PeerIdentity authenticated;
    try {
      authenticated = tls.authenticate(engine.getSession());
    } catch (SSLException e) {
      fail(e);
      return;
    }
    loop.handshakeFinished(this, isResumed());
    identity = authenticated;
    String agreed = engine.getApplicationProtocol();
    applicationProtocol = agreed == null ? "" : agreed;
    state = State.OPEN;
    deadlines.input(System.nanoTime());
    String account = authenticated.accountName();
    if (!counters.tryOpenFor(account, limits.maxConnectionsPerIdentity())) {
      LOG.warn("conn={} from {} account={} refused: {} connections of this certificate are "
          + "open (the limit)", id, remote, account, limits.maxConnectionsPerIdentity());
      closeNow("account " + account + " already holds " + limits.maxConnectionsPerIdentity()
          + " connections (the limit per certificate)");
      return;
    }
    countedAccount = account;
    lines.start(acceptor, this);
  }

  private void deliver(ByteBuffer plaintext) {
    if (!plaintext.hasRemaining()) {
      return;
    }
    if (state != State.OPEN) {
      closeNow("the client sent data before the handshake finished");
      return;
    }
    if (!lines.deliver(plaintext)) {
      readPaused = true;
    }
  }

  private void resumeReading() {
    if (state == State.OPEN && readPaused && !closeAfterFlush) {
      boolean goOn = lines.resume();
      if (inputEnded) {
        if (lines.carriedBytes() == 0) {
          answerThenClose();
        }
        return;
      }
      readPaused = !goOn;
      pump();
    }
  }

  /**
   * The client ended its side. During the handshake that is the end; after it, the lines it
   * sent are answered first and then the connection closes: the client may still be reading.
   */
  private void endOfInput(String reason) {
    if (state == State.HANDSHAKING) {
      closeNow(reason + " during the TLS handshake");
      return;
    }
    if (inputEnded || state == State.CLOSED) {
      return;
    }
    inputEnded = true;
    closeAfterFlushReason = reason;
    boolean waitForCarried = readPaused && lines.carriedBytes() > 0;
    readPaused = true;
    if (!waitForCarried) {
      answerThenClose();
    }
  }

  /** After the lines queued so far are handled, sends what is owed and closes. */
  private void answerThenClose() {
    lines.afterPending(() -> post(() -> {
      if (state == State.OPEN && !closeAfterFlush) {
        closeAfterFlush = true;
        pump();
      }
    }));
  }

  private void runDelegatedTasks() {
    taskRunning = true;
    try {
      workers.execute(() -> {
        for (Runnable task = engine.getDelegatedTask(); task != null;
            task = engine.getDelegatedTask()) {
          task.run();
        }
        post(() -> {
          taskRunning = false;
          pump();
        });
      });
    } catch (RejectedExecutionException e) {
      taskRunning = false;
      closeNow(OVERLOADED);
    }
  }

  /** Reserves room for the reply on the caller's thread, then queues it on the loop. */
  private void enqueue(byte[] bytes, boolean thenClose) {
    Optional<String> refusal = outbound.reserve(bytes.length);
    if (refusal.isPresent()) {
      requestClose(refusal.get());
      return;
    }
    post(() -> queue(bytes, thenClose));
  }

  private void queue(byte[] bytes, boolean thenClose) {
    if (state == State.CLOSED || closeAfterFlush) {
      outbound.release(bytes.length);
      return;
    }
    outbound.add(bytes);
    if (thenClose) {
      closeAfterFlush = true;
      readPaused = true;
    }
    pump();
  }

  /** Runs {@code task} on the loop; when its queue is full the connection is closed instead. */
  private void post(Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      requestClose("the server is overloaded (I/O loop queue full)");
    }
  }

  /** Closes from any thread, through a path that never needs room in the loop's queue. */
  private void requestClose(String reason) {
    loop.closeSoon(this, reason);
  }

  private void finishCloseIfDone() {
    if (closeAfterFlush && engine.isOutboundDone() && !records.hasUnsent()) {
      closeNow(closeAfterFlushReason);
    }
  }

  private void updateInterest() {
    if (state == State.CLOSED || key == null || !key.isValid()) {
      return;
    }
    int ops = 0;
    if (!readPaused && !taskRunning) {
      ops |= SelectionKey.OP_READ;
    }
    if (records.hasUnsent()) {
      ops |= SelectionKey.OP_WRITE;
    }
    if (key.interestOps() != ops) {
      key.interestOps(ops);
    }
  }

  /** Closes the socket at once and tells the session layer; idempotent. */
  void closeNow(String reason) {
    if (state == State.CLOSED) {
      return;
    }
    boolean wasHandshaking = state == State.HANDSHAKING;
    state = State.CLOSED;
    if (key != null) {
      key.cancel();
    }
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("conn={} close failed: {}", id, e.getMessage());
    }
    outbound.dropAll();
    // What was not decrypted or not written goes with the connection.
    records.discard();
    if (countedAccount != null) {
      counters.closedFor(countedAccount);
    }
    tls.release(engine);
    loop.connectionClosed(this, wasHandshaking);
    if (wasHandshaking) {
      LOG.warn("conn={} from {} refused during the TLS handshake: {}", id, remote, reason);
      return;
    }
    lines.closed(reason);
  }

  private static InetSocketAddress remoteOf(SocketChannel channel) {
    try {
      return (InetSocketAddress) channel.getRemoteAddress();
    } catch (IOException e) {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }
  }

  /** Closes after {@code failure}, classified once for the log line and the metrics. */
  private void fail(Throwable failure) {
    HandshakeFailure classified = HandshakeFailures.classify(failure);
    if (state == State.HANDSHAKING) {
      handshakeFailureReason = classified.reason();
    }
    closeNow(classified.description());
  }

  /**
   * Whether the handshake resumed an earlier TLS session: the JDK keeps a resumed session's
   * creation time, which is then older than this connection.
   */
  private boolean isResumed() {
    return engine.getSession().getCreationTime() < acceptedMillis;
  }
}
