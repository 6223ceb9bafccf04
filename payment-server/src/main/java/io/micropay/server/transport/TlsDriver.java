package io.micropay.server.transport;

import io.micropay.pki.tls.HandshakeFailure;
import io.micropay.pki.tls.HandshakeFailures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * Drives one connection's {@link SSLEngine} on its I/O loop: the handshake, records in and out,
 * the engine's delegated tasks (on the worker pool), close_notify both ways, and the record
 * buffers borrowed from the loop's pool. It knows nothing of lines or sessions: decrypted bytes
 * go up to its {@link TlsListener}, which also holds what is to be encrypted and says whether it
 * takes more input.
 *
 * <p>It assumes nothing of one engine beyond {@link SSLEngine}'s contract: sizes come from the
 * session; an engine may decrypt several records per call, ask for a larger output buffer, or
 * never hand out a delegated task (checking certificates inside unwrap).
 *
 * <p>Failures: an {@link IOException} is the client's doing (or the network's) and closes the
 * connection, classified for the log and the metrics. A {@link RuntimeException} is a broken
 * invariant here or in the engine: the connection closes and the exception goes on to the loop,
 * which logs it with its stack trace; it is never turned into a quiet close. Loop thread only
 * (the delegated tasks go to a worker).
 */
final class TlsDriver {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  /**
   * Engine steps (a wrap and an unwrap each) one pump takes at most before the loop serves other
   * connections; the rest follows, queued behind them (one-byte records fill 16 KiB by hundreds).
   */
  static final int MAX_STEPS_PER_PUMP = 256;

  private enum State { HANDSHAKING, OPEN, CLOSED }

  private final RecordChannel channel;
  private final SSLEngine engine;
  private final Consumer<SSLEngine> release;
  private final RecordBuffers records;
  private final DelegatedTasks tasks;
  private final Executor loop;
  private final TlsListener listener;
  private final ClientHelloGate gate;

  private State state = State.HANDSHAKING;
  private boolean pumping;
  private boolean pumpAgain;
  private boolean inputEnded;
  /** Close_notify goes out once the listener's output is encrypted; then the channel closes. */
  private boolean closing;
  private boolean outboundClosed;
  private String closeReason = "closed by the server";
  private HandshakeFailure.Reason failure = HandshakeFailure.Reason.CLOSED;

  /**
   * A driver for {@code engine} on {@code channel}. {@code release} ends the engine, exactly
   * once, when the connection closes; {@code loop} runs a task on the loop's thread and never
   * throws (a refusal there closes the connection another way); {@code screen} reads the first
   * record before the engine does.
   */
  TlsDriver(long id, RecordChannel channel, SSLEngine engine, Consumer<SSLEngine> release,
      PacketBuffers buffers, Executor workers, Executor loop, TlsListener listener,
      ClientHelloGate.Screen screen) {
    this.gate = new ClientHelloGate(engine, screen);
    this.channel = channel;
    this.engine = engine;
    this.release = release;
    this.records = new RecordBuffers(channel, engine, buffers);
    this.tasks = new DelegatedTasks(id, engine, workers, loop);
    this.loop = loop;
    this.listener = listener;
  }

  /** Starts the handshake: the engine waits for the client's hello. */
  void start() {
    try {
      engine.beginHandshake();
      updateInterest();
    } catch (SSLException e) {
      fail(e);
    }
  }

  boolean isHandshaking() {
    return state == State.HANDSHAKING;
  }

  boolean isClosed() {
    return state == State.CLOSED;
  }

  /** Bytes read from the channel so far: activity, for the idle deadline. */
  long bytesRead() {
    return records.bytesRead();
  }

  /** Whether a record buffer is borrowed now (for tests of the borrowing). */
  boolean holdsBuffers() {
    return records.holdsBuffers();
  }

  /** The channel is ready: reads if input is wanted, then moves what it can. */
  void onReady(boolean readable) {
    if (state == State.CLOSED) {
      return;
    }
    if (readable && mayRead()) {
      try {
        records.read();
      } catch (IOException e) {
        fail(e);
        return;
      }
    }
    pump();
  }

  /**
   * Moves data through the engine until nothing more can happen without I/O, a task or the
   * listener; then writes, sets what the loop watches for, and gives back empty buffers.
   * Whoever ends a pause of input (the listener taking more, a task done) calls it again.
   */
  void pump() {
    if (state == State.CLOSED || tasks.running()) {
      return;
    }
    if (pumping) {
      // Called back from inside a pump (the listener closing or resuming): go round once more.
      pumpAgain = true;
      return;
    }
    pumping = true;
    try {
      boolean more;
      do {
        pumpAgain = false;
        more = steps();
      } while (pumpAgain && state != State.CLOSED && !tasks.running());
      afterSteps(more);
    } catch (IOException e) {
      if (e instanceof SSLException) {
        records.sendAlert();
      }
      fail(e);
    } catch (RuntimeException e) {
      closeNow("internal error: " + e);
      throw e;
    } finally {
      pumping = false;
    }
  }

  /**
   * Sends close_notify once the listener's output is encrypted, then closes. Input stops: what
   * the client still sends is not read.
   */
  void closeAfterOutput(String reason) {
    if (state != State.OPEN || closing) {
      return;
    }
    closing = true;
    closeReason = reason;
    pump();
  }

  /** Closes a connection still in its handshake, counted as failed for {@code reason}. */
  void abortHandshake(HandshakeFailure.Reason reason, String description) {
    if (state == State.HANDSHAKING) {
      failure = reason;
      closeNow(description);
    }
  }

  /**
   * Closes the channel at once, drops what was not sent, gives the buffers back, releases the
   * engine and tells the listener; idempotent. The one place the engine is released.
   */
  void closeNow(String reason) {
    if (state == State.CLOSED) {
      return;
    }
    boolean duringHandshake = state == State.HANDSHAKING;
    state = State.CLOSED;
    try {
      channel.close();
      records.discard();
      release.accept(engine);
    } finally {
      listener.closed(reason, duringHandshake, failure);
    }
  }

  /** Steps the engine; true when cut off at {@link #MAX_STEPS_PER_PUMP} with work left. */
  private boolean steps() throws IOException {
    for (int step = 0; step < MAX_STEPS_PER_PUMP; step++) {
      if (state == State.CLOSED || tasks.running()) {
        return false;
      }
      HandshakeStatus status = engine.getHandshakeStatus();
      if (status == HandshakeStatus.NEED_TASK) {
        records.flush();
        if (!tasks.start(this::pump,
            failure -> closeNow("internal error in a TLS task: " + failure))) {
          closeNow(SerialExecutor.OVERLOADED);
        }
        return false;
      }
      boolean progress = false;
      if (status == HandshakeStatus.NEED_WRAP || hasOutput()) {
        progress = wrap();
      }
      if (mayUnwrap(engine.getHandshakeStatus())) {
        progress |= unwrap();
      }
      if (!progress) {
        return false;
      }
    }
    return true;
  }

  private void afterSteps(boolean more) throws IOException {
    if (state == State.CLOSED || tasks.running()) {
      updateInterest();
      return;
    }
    records.flush();
    checkEndOfInput();
    if (state != State.CLOSED && engine.isOutboundDone() && !records.hasUnsent()) {
      // Our close_notify is out, or the engine answered the client's (before TLS 1.3 it
      // closes both ways): nothing more can be sent.
      closeNow(closing ? closeReason : "the client ended the TLS session");
    }
    if (state == State.CLOSED) {
      return;
    }
    if (more) {
      loop.execute(this::pump);
    }
    updateInterest();
    records.returnEmpty();
  }

  private boolean hasOutput() {
    if (state != State.OPEN) {
      return false;
    }
    return closing ? !engine.isOutboundDone() : listener.nextOutput() != null;
  }

  private boolean wrap() throws IOException {
    ByteBuffer source = EMPTY;
    if (state == State.OPEN) {
      ByteBuffer next = listener.nextOutput();
      if (next != null) {
        source = next;
      } else if (closing && !outboundClosed) {
        outboundClosed = true;
        engine.closeOutbound();
      }
    }
    SSLEngineResult result = records.wrap(source);
    if (result.bytesConsumed() > 0) {
      listener.outputTaken(result.bytesConsumed());
    }
    checkFinished(result);
    return switch (result.getStatus()) {
      // A wrap that finishes the handshake is progress even when it writes nothing (as
      // BoringSSL's does): input that came with the client's Finished waits to be unwrapped.
      case OK -> result.bytesProduced() > 0 || result.bytesConsumed() > 0
          || result.getHandshakeStatus() == HandshakeStatus.FINISHED;
      case BUFFER_OVERFLOW -> records.makeOutputRoom();
      case CLOSED -> result.bytesProduced() > 0;
      default -> throw new IllegalStateException("wrap returned " + result.getStatus());
    };
  }

  private boolean mayUnwrap(HandshakeStatus status) {
    if (state == State.CLOSED || inputEnded || !records.mayDecrypt()) {
      return false;
    }
    if (state == State.OPEN && (closing || !listener.wantsInput())) {
      return false;
    }
    return status == HandshakeStatus.NEED_UNWRAP || status == HandshakeStatus.NEED_UNWRAP_AGAIN
        || status == HandshakeStatus.NOT_HANDSHAKING;
  }

  private boolean unwrap() throws IOException {
    if (!gate.check(records)) {
      if (gate.refused()) {
        abortHandshake(HandshakeFailure.Reason.APPLICATION_PROTOCOL, ClientHelloGate.REFUSAL);
      }
      return false;
    }
    SSLEngineResult result = records.unwrap();
    checkFinished(result);
    SSLEngineResult.Status status = result.getStatus();
    if (status == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
      return records.growInputIfFull();
    }
    if (status == SSLEngineResult.Status.BUFFER_OVERFLOW && result.bytesProduced() == 0) {
      // The engine wants more room than its session said (or decrypts several records at once).
      records.growPlaintext();
      return true;
    }
    deliver(records.plaintext());
    if (status == SSLEngineResult.Status.CLOSED) {
      endInput("the client ended the TLS session");
      return false;
    }
    return result.bytesConsumed() > 0 || result.bytesProduced() > 0;
  }

  /** Hands decrypted bytes (flipped for reading) to the listener. */
  private void deliver(ByteBuffer plaintext) {
    if (!plaintext.hasRemaining() || state == State.CLOSED) {
      return;
    }
    if (state == State.HANDSHAKING) {
      closeNow("the client sent data before the handshake finished");
      return;
    }
    listener.received(plaintext);
  }

  private void checkFinished(SSLEngineResult result) {
    if (state != State.HANDSHAKING || !Handshakes.finished(result)) {
      return;
    }
    try {
      listener.handshakeFinished(engine, Handshakes.agreedProtocol(engine));
    } catch (SSLException e) {
      fail(e);
      return;
    }
    if (state == State.HANDSHAKING) {
      state = State.OPEN;
      listener.opened();
    }
  }

  /**
   * After the steps: the end of the stream ends the input once nothing decryptable is left,
   * that is when the listener takes input (the steps then decrypted all they could) or when no
   * bytes are left at all. While the listener pauses, the bytes wait, and its resume pumps here
   * again. A partial record left at the end is dropped: the client cut it off.
   */
  private void checkEndOfInput() {
    if (!records.endOfStream() || inputEnded || state == State.CLOSED) {
      return;
    }
    if (state == State.HANDSHAKING) {
      closeNow("the client closed the connection during the TLS handshake");
    } else if (closing || !records.hasInput() || listener.wantsInput()) {
      endInput("the client closed the connection");
    }
  }

  private void endInput(String reason) {
    if (state == State.HANDSHAKING) {
      closeNow(reason);
      return;
    }
    if (inputEnded || state == State.CLOSED) {
      return;
    }
    inputEnded = true;
    if (!closing) {
      listener.inputEnded(reason);
    }
  }

  private boolean mayRead() {
    if (state == State.CLOSED || tasks.running() || records.endOfStream() || inputEnded
        || !records.inputHasRoom()) {
      return false;
    }
    return state == State.HANDSHAKING || !closing && listener.wantsInput();
  }

  private void updateInterest() {
    if (state != State.CLOSED) {
      channel.interest(mayRead(), records.hasUnsent());
    }
  }

  private void fail(Throwable failure) {
    HandshakeFailure classified = HandshakeFailures.classify(failure);
    if (state == State.HANDSHAKING) {
      this.failure = classified.reason();
    }
    closeNow(classified.description());
  }
}
