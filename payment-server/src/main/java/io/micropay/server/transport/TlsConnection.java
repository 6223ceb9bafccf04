package io.micropay.server.transport;

import io.micropay.pki.PeerIdentity;
import io.micropay.pki.TlsFactory;
import io.micropay.pki.tls.HandshakeFailure;
import io.micropay.pki.tls.ClientHelloAlpn;
import io.micropay.pki.tls.ClientHelloVerdict;
import io.micropay.pki.tls.HandshakeFailures;
import io.micropay.protocol.LineFramer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TLS connection driven by an {@link IoLoop}: the {@link SSLEngine}'s handshake and records,
 * line framing of what the client sends, and the queue of what goes back. Everything except the
 * {@link Connection} methods runs on the loop's thread; those methods post to it. The engine's
 * delegated tasks (certificate checks, signatures) and the session's handling of each line run on
 * the worker pool, so neither stalls the loop.
 */
final class TlsConnection implements Connection {
  private static final Logger LOG = LoggerFactory.getLogger(TlsConnection.class);
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  /**
   * How long past the idle timeout the session has to end an idle connection itself (and say
   * why) before the transport closes it without a word.
   */
  static final long IDLE_GRACE_MILLIS = 2_000;
  /** Records wrapped at most to get a failed handshake's alert out (a few are ever needed). */
  private static final int MAX_ALERT_RECORDS = 8;
  /** Input read and dropped at most before closing a refused connection. */
  private static final int MAX_DISCARDED_BYTES = 64 * 1024;

  private enum State { HANDSHAKING, OPEN, CLOSED }

  private final long id;
  private final IoLoop loop;
  private final SocketChannel channel;
  private final SSLEngine engine;
  private final TlsFactory tls;
  private final Executor workers;
  private final SerialExecutor inbound;
  private final ConnectionAcceptor acceptor;
  private final TransportLimits limits;
  private final LineFramer lines;
  private final long acceptedNanos;
  private final InetSocketAddress remote;
  private final ArrayDeque<ByteBuffer> outbound = new ArrayDeque<>();

  private SelectionKey key;
  /** Received TLS bytes not yet decrypted; borrowed from the loop, null when there are none. */
  private ByteBuffer netIn;
  /** Encrypted bytes not yet written; borrowed from the loop, null when there are none. */
  private ByteBuffer netOut;
  private State state = State.HANDSHAKING;
  private boolean taskRunning;
  private boolean readPaused;
  private boolean closeAfterFlush;
  private long outboundBytes;
  private long lastInputNanos;
  private boolean idleReported;
  /** The engine's last unwrap took or gave bytes: it may hold plaintext without new input. */
  private boolean enginePlaintextPending;
  /** The first record's ALPN offer was read and is acceptable. */
  private boolean clientHelloScreened;
  private volatile PeerIdentity identity;
  private volatile String applicationProtocol = "";
  private InboundHandler handler;
  private String closeReason;
  /** Why the handshake failed, when the connection closes during it; counted by the loop. */
  private HandshakeFailure.Reason handshakeFailureReason = HandshakeFailure.Reason.CLOSED;

  TlsConnection(long id, IoLoop loop, SocketChannel channel, TlsFactory tls, Executor workers,
      ConnectionAcceptor acceptor, TransportLimits limits) {
    this.id = id;
    this.loop = loop;
    this.channel = channel;
    this.tls = tls;
    this.remote = remoteOf(channel);
    this.engine = tls.newServerEngine(remote);
    this.workers = workers;
    this.inbound = new SerialExecutor(workers);
    this.acceptor = acceptor;
    this.limits = limits;
    this.lines = new LineFramer(limits.maxLineBytes());
    this.acceptedNanos = System.nanoTime();
    this.lastInputNanos = acceptedNanos;
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
    loop.execute(() -> dispatch(task));
  }

  @Override
  public void send(byte[] bytes) {
    loop.execute(() -> queue(bytes, false));
  }

  @Override
  public void sendAndClose(byte[] bytes) {
    loop.execute(() -> queue(bytes, true));
  }

  @Override
  public void close(String reason) {
    loop.execute(() -> closeNow(reason));
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
    loop.execute(() -> {
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
    return acceptedNanos;
  }

  /** Closes when a deadline has passed; called by the loop's periodic sweep. */
  void sweep(long nowNanos) {
    if (state == State.HANDSHAKING
        && nowNanos - acceptedNanos > limits.handshakeTimeoutMillis() * 1_000_000L) {
      handshakeFailureReason = HandshakeFailure.Reason.TIMEOUT;
      closeNow("the TLS handshake did not finish within " + limits.handshakeTimeoutMillis()
          + " ms");
    } else if (state == State.OPEN) {
      sweepIdle(nowNanos - lastInputNanos);
    }
  }

  /** Asks the session to end an idle connection; closes it when the session did not. */
  private void sweepIdle(long quietNanos) {
    long idleTimeoutMillis = limits.idleTimeoutMillis();
    if (quietNanos <= idleTimeoutMillis * 1_000_000L) {
      idleReported = false;
    } else if (!idleReported) {
      idleReported = true;
      dispatch(() -> {
        if (handler != null) {
          handler.onIdle(idleTimeoutMillis);
        }
      });
    } else if (quietNanos > (idleTimeoutMillis + IDLE_GRACE_MILLIS) * 1_000_000L) {
      closeNow("idle for more than " + idleTimeoutMillis + " ms");
    }
  }

  void onReady(int readyOps) {
    try {
      if ((readyOps & SelectionKey.OP_READ) != 0 && !readPaused) {
        int read = channel.read(netIn());
        if (read < 0) {
          closeNow(state == State.HANDSHAKING
              ? "the client closed the connection during the TLS handshake"
              : "the client closed the connection");
          return;
        }
        if (read > 0) {
          lastInputNanos = System.nanoTime();
        }
      }
      pump();
    } catch (IOException | RuntimeException e) {
      fail(e);
    }
  }

  /** Moves data through the engine until nothing more can happen without I/O or a task. */
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
      flush();
      finishCloseIfDone();
      updateInterest();
      returnEmptyBuffers();
    } catch (IOException | RuntimeException e) {
      if (e instanceof SSLException) {
        sendAlert();
      }
      fail(e);
    }
  }

  /**
   * After the engine failed a handshake it holds an alert that tells the client why (for example
   * certificate_revoked or no_application_protocol); send it, best effort, before closing. The
   * JDK's engine may first owe records of the handshake so far (in TLS 1.3 the alert is
   * encrypted under the handshake keys its ServerHello sets up), so it is wrapped until it says
   * it is closed. Then the input already received is read and dropped: closing a socket with
   * unread input sends a reset, which can reach the client before the alert does and leave it
   * saying only that the connection closed.
   */
  private void sendAlert() {
    try {
      for (int record = 0; record < MAX_ALERT_RECORDS; record++) {
        SSLEngineResult result = engine.wrap(EMPTY, netOut());
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW && !flush()) {
          break;
        }
        if (result.getStatus() == SSLEngineResult.Status.CLOSED
            || result.bytesProduced() == 0 && result.getStatus() == SSLEngineResult.Status.OK) {
          break;
        }
      }
      flush();
      channel.shutdownOutput();
      discardInput();
    } catch (IOException | RuntimeException ignored) {
      // The connection is being closed for the original failure, which is what gets logged.
    }
  }

  /** Reads what has arrived and drops it, a bounded amount, without waiting for more. */
  private void discardInput() throws IOException {
    ByteBuffer scratch = loop.plaintextBuffer();
    for (int read = 0; read < MAX_DISCARDED_BYTES; ) {
      scratch.clear();
      int count = channel.read(scratch);
      if (count <= 0) {
        return;
      }
      read += count;
    }
  }

  private boolean hasOutput() {
    return !outbound.isEmpty() || (closeAfterFlush && !engine.isOutboundDone());
  }

  private boolean wrap() throws IOException {
    if (hasUnsent() && !flush()) {
      return false;
    }
    if (closeAfterFlush && outbound.isEmpty() && state == State.OPEN) {
      engine.closeOutbound();
    }
    ByteBuffer source = outbound.isEmpty() || state != State.OPEN ? EMPTY : outbound.peek();
    SSLEngineResult result = engine.wrap(source, netOut());
    if (!source.hasRemaining() && source != EMPTY) {
      outbound.poll();
    }
    outboundBytes -= result.bytesConsumed();
    checkFinished(result);
    switch (result.getStatus()) {
      case OK:
        // A wrap that finishes the handshake is progress even when it writes nothing (as
        // BoringSSL's does): input that came with the client's Finished waits to be unwrapped.
        return result.bytesProduced() > 0 || result.bytesConsumed() > 0
            || result.getHandshakeStatus() == HandshakeStatus.FINISHED;
      case BUFFER_OVERFLOW:
        return flush();
      case CLOSED:
        return result.bytesProduced() > 0;
      default:
        throw new IllegalStateException("wrap returned " + result.getStatus());
    }
  }

  private boolean unwrap() throws SSLException {
    boolean hasInput = netIn != null && netIn.position() > 0;
    if (!hasInput && !enginePlaintextPending) {
      return false;
    }
    if (!clientHelloScreened && !screenClientHello()) {
      return false;
    }
    ByteBuffer source = hasInput ? netIn.flip() : EMPTY;
    ByteBuffer plaintext = loop.plaintextBuffer();
    plaintext.clear();
    SSLEngineResult result;
    try {
      result = engine.unwrap(source, plaintext);
    } finally {
      if (hasInput) {
        netIn.compact();
      }
    }
    // BoringSSL's engine takes in every whole record it is given but returns the plaintext of
    // at most one record per call (none in the call that finishes the handshake), keeping the
    // rest: ask again, without new input, until a call neither takes nor gives anything.
    enginePlaintextPending = result.bytesConsumed() > 0 || result.bytesProduced() > 0;
    checkFinished(result);
    switch (result.getStatus()) {
      case OK:
        plaintext.flip();
        deliver(plaintext);
        return result.bytesConsumed() > 0 || result.bytesProduced() > 0;
      case BUFFER_UNDERFLOW:
        growIfFull();
        return false;
      case BUFFER_OVERFLOW:
        throw new IllegalStateException("the loop's plaintext buffer is smaller than a record");
      case CLOSED:
        closeNow("the client ended the TLS session");
        return false;
      default:
        throw new IllegalStateException("unwrap returned " + result.getStatus());
    }
  }

  /**
   * Reads the ALPN offer of the first record before the engine does, and refuses an offer of
   * only unknown micropay versions with the no_application_protocol alert (PROTOCOL.md section
   * 7), which BoringSSL's engine cannot send from its selector. False until the engine may go on.
   */
  private boolean screenClientHello() {
    ClientHelloVerdict verdict = tls.screenClientHello(netIn.duplicate().flip(), remote);
    if (verdict == ClientHelloVerdict.REFUSE) {
      handshakeFailureReason = HandshakeFailure.Reason.APPLICATION_PROTOCOL;
      try {
        channel.write(ClientHelloAlpn.noApplicationProtocolAlert());
        channel.shutdownOutput();
        discardInput();
      } catch (IOException e) {
        LOG.debug("conn={} the refusal alert did not go out: {}", id, e.getMessage());
      }
      closeNow(HandshakeFailures.describe(new SSLHandshakeException("no_application_protocol")));
    }
    clientHelloScreened = verdict == ClientHelloVerdict.PROCEED;
    return clientHelloScreened;
  }

  private void growIfFull() {
    int packetBytes = engine.getSession().getPacketBufferSize();
    if (netIn != null && netIn.remaining() == 0 && netIn.capacity() < packetBytes) {
      ByteBuffer bigger = ByteBuffer.allocate(packetBytes);
      netIn.flip();
      bigger.put(netIn);
      netIn = bigger;
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
      authenticated = tls.authenticate(engine);
    } catch (SSLException e) {
      fail(e);
      return;
    }
    loop.handshakeFinished(this, tls.isResumed(engine));
    identity = authenticated;
    String agreed = engine.getApplicationProtocol();
    applicationProtocol = agreed == null ? "" : agreed;
    state = State.OPEN;
    lastInputNanos = System.nanoTime();
    // The acceptor may touch the database (is the session limit reached? who is this?), so it
    // runs on a worker; input that arrives meanwhile queues behind it in order.
    dispatch(() -> handler = acceptor.accept(this));
  }

  private void deliver(ByteBuffer plaintext) {
    if (!plaintext.hasRemaining()) {
      return;
    }
    if (state != State.OPEN) {
      closeNow("the client sent data before the handshake finished");
      return;
    }
    boolean tooLong = !lines.feed(plaintext, this::dispatchLine);
    if (tooLong) {
      readPaused = true;
      dispatch(() -> {
        if (handler != null) {
          handler.onLineTooLong();
        }
      });
      return;
    }
    if (inbound.pending() >= limits.maxQueuedLines()) {
      readPaused = true;
      dispatch(() -> loop.execute(this::resumeReading));
    }
  }

  private void dispatchLine(String line) {
    try {
      inbound.submit(() -> handleLine(line));
    } catch (RejectedExecutionException e) {
      closeNow("the server is overloaded (worker queue full)");
    }
  }

  /** On a worker: the session handles the line; a failure it did not answer closes. */
  private CompletionStage<?> handleLine(String line) {
    if (handler == null) {
      return null;
    }
    try {
      CompletionStage<?> handled = handler.onLine(line);
      return handled == null ? null : handled.whenComplete((done, failure) -> {
        if (failure != null) {
          failed(failure);
        }
      });
    } catch (RuntimeException e) {
      failed(e);
      return null;
    }
  }

  /**
   * A request failed inside the server (the database, say) and got no reply. The client must
   * not wait for one forever, and no reply would be true (210 FAIL would claim the name was
   * taken): the connection closes, and a peer sees a lost connection it can retry.
   */
  private void failed(Throwable failure) {
    LOG.error("conn={}: a request failed inside the server; closing the connection", id,
        failure);
    close("the server failed to handle a request: " + failure.getMessage());
  }

  private void resumeReading() {
    if (state == State.OPEN && readPaused && !closeAfterFlush) {
      readPaused = false;
      pump();
    }
  }

  private void dispatch(Runnable task) {
    try {
      inbound.execute(task);
    } catch (RejectedExecutionException e) {
      closeNow("the server is overloaded (worker queue full)");
    }
  }

  private void runDelegatedTasks() {
    taskRunning = true;
    try {
      workers.execute(() -> {
        for (Runnable task = engine.getDelegatedTask(); task != null;
            task = engine.getDelegatedTask()) {
          task.run();
        }
        loop.execute(() -> {
          taskRunning = false;
          pump();
        });
      });
    } catch (RejectedExecutionException e) {
      taskRunning = false;
      closeNow("the server is overloaded (worker queue full)");
    }
  }

  private void queue(byte[] bytes, boolean thenClose) {
    if (state == State.CLOSED || closeAfterFlush) {
      return;
    }
    outbound.add(ByteBuffer.wrap(bytes));
    outboundBytes += bytes.length;
    if (thenClose) {
      closeAfterFlush = true;
      readPaused = true;
    }
    if (outboundBytes > limits.maxQueuedOutputBytes()) {
      closeNow("the client does not read its replies (" + outboundBytes + " bytes queued)");
      return;
    }
    pump();
  }

  /** Writes what the engine produced; true when everything went out. */
  private boolean flush() throws IOException {
    if (!hasUnsent()) {
      return true;
    }
    netOut.flip();
    try {
      channel.write(netOut);
    } finally {
      netOut.compact();
    }
    return netOut.position() == 0;
  }

  private boolean hasUnsent() {
    return netOut != null && netOut.position() > 0;
  }

  private ByteBuffer netIn() {
    if (netIn == null) {
      netIn = loop.packetBuffers().acquire(engine.getSession().getPacketBufferSize());
    }
    return netIn;
  }

  private ByteBuffer netOut() {
    if (netOut == null) {
      netOut = loop.packetBuffers().acquire(engine.getSession().getPacketBufferSize());
    }
    return netOut;
  }

  /** Gives back the buffers that hold nothing; the next read or write borrows again. */
  private void returnEmptyBuffers() {
    netIn = returnIfEmpty(netIn);
    netOut = returnIfEmpty(netOut);
  }

  /** Returns null when {@code buffer} was given back, else {@code buffer}. */
  private ByteBuffer returnIfEmpty(ByteBuffer buffer) {
    if (buffer == null || buffer.position() > 0) {
      return buffer;
    }
    loop.packetBuffers().release(buffer);
    return null;
  }

  private void finishCloseIfDone() {
    if (closeAfterFlush && engine.isOutboundDone() && !hasUnsent()) {
      closeNow("closed by the server");
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
    if (hasUnsent()) {
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
    closeReason = reason;
    if (key != null) {
      key.cancel();
    }
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("conn={} close failed: {}", id, e.getMessage());
    }
    outbound.clear();
    // What was not decrypted or not written goes with the connection.
    if (netIn != null) {
      netIn.clear();
    }
    if (netOut != null) {
      netOut.clear();
    }
    returnEmptyBuffers();
    tls.release(engine);
    loop.connectionClosed(this, wasHandshaking);
    if (wasHandshaking) {
      LOG.warn("conn={} from {} refused during the TLS handshake: {}", id, remote, reason);
      return;
    }
    dispatch(() -> {
      if (handler != null) {
        handler.onClosed(closeReason);
      }
    });
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
}
