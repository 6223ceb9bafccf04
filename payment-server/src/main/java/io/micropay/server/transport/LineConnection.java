package io.micropay.server.transport;

import io.micropay.pki.PeerIdentity;
import io.micropay.pki.tls.HandshakeFailure;
import io.micropay.pki.tls.ServerEngines;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection as the session layer sees it: the line connection above the
 * {@link TlsDriver}. It hands what the client sends, line by line and in order, to the session's
 * {@link InboundHandler} ({@link InboundLines}), queues the replies ({@link OutboundReplies}),
 * keeps the deadlines ({@link ConnectionDeadlines}) and the bounds, and decides when reading
 * pauses. The {@link Connection} methods may be called from any thread and post to the loop;
 * everything else runs on the loop's thread.
 *
 * <p>When reading pauses, and who resumes it. The driver reads and decrypts only while
 * {@link #wantsInput} says so, and asks again whenever it could read; each reason for a pause
 * has exactly one way out, and a pause without one would be a lost wake-up:
 * <ul>
 *   <li>the line queue is full ({@code linesFull}): set in the same step that queues
 *       {@code queueDrained} behind the lines (InboundLines decides it once, from the framer's
 *       own stop); that wake-up clears it on the loop ({@link #resumeLines}) and goes on with
 *       {@link #continueInput};
 *   <li>bytes were kept back for room in the line queue (decrypted, not yet framed): nothing
 *       newer may be read before them. {@link #continueInput} frames them, called by the line
 *       queue's wake-up, or, when the unsent replies held them, posted by {@link #outputTaken}
 *       once encrypting the replies brought them back under the mark;
 *   <li>the client has more unsent replies than one that reads ({@link OutboundReplies#unread}):
 *       not stored but asked each time; only encrypting replies lowers it, which the driver does
 *       inside the pump that then asks again before it reads and sets the interest;
 *   <li>a delegated task runs: the driver's own; the task's end pumps;
 *   <li>a line was too long, the server closes after its replies, the client ended its input:
 *       reading never resumes, the connection ends (the session's reply then close_notify; the
 *       replies owed then close_notify), and the idle deadline ends it if nothing else does.
 * </ul>
 */
final class LineConnection implements Connection, TlsListener, InboundLines.Transport {
  private static final Logger LOG = LoggerFactory.getLogger(LineConnection.class);
  static final String LOOP_OVERLOADED = "the server is overloaded (I/O loop queue full)";

  private final long id;
  private final IoLoop loop;
  private final ServerEngines engines;
  private final ConnectionAcceptor acceptor;
  private final TransportLimits limits;
  private final TransportCounters counters;
  private final InetSocketAddress remote;
  private final TlsDriver driver;
  private final InboundLines lines;
  private final OutboundReplies outbound;
  private final ConnectionDeadlines deadlines;
  /** Set once a close was asked for from outside the loop, so it is queued once at most. */
  final AtomicBoolean closeRequested = new AtomicBoolean();

  private volatile PeerIdentity identity;
  private volatile String applicationProtocol = "";
  private String countedAccount;
  private boolean linesFull;
  private boolean tooLong;
  private boolean closing;
  private boolean inputEnded;
  private boolean answering;
  /** A {@link #continueInput} is queued on the loop. */
  private boolean continuePosted;
  private String inputEndReason;

  LineConnection(long id, IoLoop loop, RecordChannel channel, ServerEngines engines,
      Executor workers, ConnectionAcceptor acceptor, TransportLimits limits,
      TransportCounters counters) {
    this.id = id;
    this.loop = loop;
    this.engines = engines;
    this.acceptor = acceptor;
    this.limits = limits;
    this.counters = counters;
    this.remote = channel.remoteAddress();
    this.driver = new TlsDriver(id, channel, engines.newEngine(remote), engines::release,
        loop.packetBuffers(), workers, this::post, this, engines::screenClientHello);
    this.lines = new InboundLines(id, workers, limits.maxLineBytes(), limits.maxQueuedLines(),
        loop.packetBuffers(), this);
    this.outbound = new OutboundReplies(limits, counters);
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

  // ---- the loop ----

  /** Starts the handshake, once the loop has registered the channel. */
  void start() {
    driver.start();
  }

  boolean isHandshaking() {
    return driver.isHandshaking();
  }

  boolean isClosed() {
    return driver.isClosed();
  }

  void onReady(int readyOps) {
    long before = driver.bytesRead();
    driver.onReady((readyOps & SelectionKey.OP_READ) != 0);
    if (driver.bytesRead() != before) {
      deadlines.input(System.nanoTime());
    }
  }

  /** Closes when a deadline has passed; called by the loop's periodic sweep. */
  void sweep(long nowNanos) {
    if (driver.isClosed()) {
      return;
    }
    switch (deadlines.check(nowNanos, driver.isHandshaking())) {
      case HANDSHAKE_EXPIRED -> driver.abortHandshake(HandshakeFailure.Reason.TIMEOUT,
          "the TLS handshake did not finish within " + limits.handshakeTimeoutMillis() + " ms");
      case REPORT_IDLE -> lines.idle(limits.idleTimeoutMillis());
      case CLOSE_IDLE -> closeNow("idle for more than " + limits.idleTimeoutMillis() + " ms");
      case NONE -> { }
      default -> throw new IllegalStateException("unknown verdict");
    }
  }

  /** Closes a connection still in its handshake to make room for newer ones; any thread. */
  void dropFromHandshake(String reason) {
    post(() -> driver.abortHandshake(HandshakeFailure.Reason.DROPPED, reason));
  }

  /** Closes at once, without waiting for queued replies; idempotent. */
  void closeNow(String reason) {
    driver.closeNow(reason);
  }

  /** Lines received and not yet handled (for tests of the back-pressure). */
  int queuedLines() {
    return lines.queuedLines();
  }

  // ---- TlsListener ----

  @Override
  public void handshakeFinished(SSLEngine engine, String agreedProtocol) throws SSLException {
    // Checked again here, against the CRL of this moment: a resumed session skips the trust
    // manager and may outlive a revocation.
    PeerIdentity authenticated = engines.authenticate(engine);
    counters.handshakeFinished(this, engines.isResumed(engine));
    identity = authenticated;
    applicationProtocol = agreedProtocol;
  }

  @Override
  public void opened() {
    deadlines.input(System.nanoTime());
    String account = identity.accountName();
    if (!counters.tryOpenFor(account, limits.maxConnectionsPerCertificate())) {
      LOG.warn("conn={} from {} account={} refused: {} connections of this certificate are "
          + "open (the limit per certificate)", id, remote, account,
          counters.connectionsOf(account));
      closing = true;
      driver.closeAfterOutput("account " + account + " holds "
          + limits.maxConnectionsPerCertificate() + " connections (the limit per certificate)");
      return;
    }
    countedAccount = account;
    lines.start(acceptor, this);
  }

  @Override
  public boolean wantsInput() {
    return !linesFull && lines.carriedBytes() == 0 && !tooLong && !closing && !inputEnded
        && !outbound.unread();
  }

  @Override
  public void received(ByteBuffer plaintext) {
    apply(lines.deliver(plaintext));
  }

  /**
   * The client ended its side (FIN, with or without close_notify). It may still read: what it
   * asked before is answered, in order, and then close_notify goes out and the connection closes.
   * Bytes kept back for room in the line queue are framed first ({@link #resumeLines}).
   */
  @Override
  public void inputEnded(String reason) {
    inputEnded = true;
    inputEndReason = reason;
    if (!linesFull && lines.carriedBytes() == 0) {
      answerThenClose();
    }
  }

  @Override
  public ByteBuffer nextOutput() {
    return outbound.next();
  }

  @Override
  public void outputTaken(int bytes) {
    outbound.consumed(bytes);
    if (!linesFull && lines.carriedBytes() > 0 && !continuePosted && !outbound.unread()) {
      // The replies held the bytes kept back; the client reads again. Framed on the loop next,
      // outside the driver's pump.
      continuePosted = true;
      post(this::continueInput);
    }
  }

  @Override
  public void closed(String reason, boolean duringHandshake, HandshakeFailure.Reason failure) {
    outbound.dropAll();
    if (countedAccount != null) {
      counters.closedFor(countedAccount);
      countedAccount = null;
    }
    loop.connectionClosed(this, duringHandshake, failure);
    if (duringHandshake) {
      LOG.warn("conn={} from {} refused during the TLS handshake: {}", id, remote, reason);
      return;
    }
    lines.closed(reason);
  }

  // ---- InboundLines.Transport ----

  @Override
  public void queueDrained() {
    post(this::resumeLines);
  }

  @Override
  public void overloaded() {
    closeNow(SerialExecutor.OVERLOADED);
  }

  @Override
  public void closeSoon(String reason) {
    loop.closeSoon(this, reason);
  }

  // ---- inside ----

  private void apply(InboundLines.Verdict verdict) {
    switch (verdict) {
      case QUEUE_FULL -> linesFull = true;
      case TOO_LONG -> tooLong = true;
      case MORE, ENDED -> { }
      default -> throw new IllegalStateException("unknown verdict " + verdict);
    }
  }

  /** The lines queued before a pause have been handled: frame what was kept back, read on. */
  private void resumeLines() {
    if (driver.isClosed() || closing) {
      return;
    }
    if (!linesFull) {
      throw new IllegalStateException("conn=" + id + ": the line queue's wake-up came while "
          + "reading was not paused for it");
    }
    linesFull = false;
    continueInput();
  }

  /**
   * Frames the bytes kept back, unless the line queue is full (its wake-up comes) or the client
   * does not read its replies (encrypting them posts this again); then, with nothing kept back,
   * answers a half-close or reads on.
   */
  private void continueInput() {
    continuePosted = false;
    if (driver.isClosed() || closing || linesFull) {
      return;
    }
    if (lines.carriedBytes() > 0 && !outbound.unread()) {
      apply(lines.resume());
    }
    if (inputEnded && !linesFull && lines.carriedBytes() == 0) {
      answerThenClose();
    }
    driver.pump();
  }

  /** Once every line received is handled (and answered), close after the replies. */
  private void answerThenClose() {
    if (answering) {
      return;
    }
    answering = true;
    lines.afterPending(() -> post(() -> {
      closing = true;
      driver.closeAfterOutput(inputEndReason);
    }));
  }

  /** Reserves room for the reply on the caller's thread, then queues it on the loop. */
  private void enqueue(byte[] bytes, boolean thenClose) {
    OutboundReplies.Refusal refusal = outbound.reserve(bytes.length);
    if (refusal != null) {
      // Counted and logged once per connection: later replies of a client cut off are dropped.
      if (loop.closeSoon(this, refusal.description())) {
        counters.refused(refusal.label());
        LOG.warn("conn={} from {} cut off: {}", id, remote, refusal.description());
      }
      return;
    }
    try {
      loop.execute(() -> queue(bytes, thenClose));
    } catch (RejectedExecutionException e) {
      outbound.release(bytes.length);
      closeSoon(LOOP_OVERLOADED);
    }
  }

  private void queue(byte[] bytes, boolean thenClose) {
    if (driver.isClosed() || closing) {
      outbound.release(bytes.length);
      return;
    }
    outbound.add(bytes);
    // The driver's pump closes the connection itself before a broken invariant goes on.
    if (thenClose) {
      closing = true;
      driver.closeAfterOutput("closed by the server");
    } else {
      driver.pump();
    }
  }

  /**
   * Runs {@code task} on the loop; when its queue is full the connection is closed instead. A
   * {@link RuntimeException} out of the task is a broken invariant: the connection closes, and
   * the loop logs the exception with its stack trace.
   */
  private void post(Runnable task) {
    try {
      loop.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          closeNow("internal error: " + e);
          throw e;
        }
      });
    } catch (RejectedExecutionException e) {
      closeSoon(LOOP_OVERLOADED);
    }
  }
}
