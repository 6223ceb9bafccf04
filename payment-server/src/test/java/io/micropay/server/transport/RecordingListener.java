package io.micropay.server.transport;

import io.micropay.pki.TlsFactory;
import io.micropay.pki.tls.HandshakeFailure;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLEngine;

/** A {@link TlsListener} that records what its driver tells it and sends what a test queues. */
final class RecordingListener implements TlsListener {
  private final TlsFactory tls;
  final StringBuilder received = new StringBuilder();
  final ArrayDeque<ByteBuffer> output = new ArrayDeque<>();
  String account;
  boolean resumed;
  boolean opened;
  boolean wantsInput = true;
  String inputEnded;
  int inputEndedCalls;
  String closedReason;
  boolean closedDuringHandshake;
  HandshakeFailure.Reason failure;
  int closedCalls;
  /** Thrown from {@link #received} when set: a broken invariant above the driver. */
  RuntimeException failOnReceive;

  RecordingListener(TlsFactory tls) {
    this.tls = tls;
  }

  /** Queues {@code text} to be encrypted. */
  void send(String text) {
    output.add(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
  }

  @Override
  public void handshakeFinished(SSLEngine engine, String applicationProtocol)
      throws SSLException {
    this.account = tls.serverEngines().authenticate(engine).accountName();
    this.resumed = tls.serverEngines().isResumed(engine);
  }

  @Override
  public void opened() {
    opened = true;
  }

  @Override
  public boolean wantsInput() {
    return wantsInput;
  }

  @Override
  public void received(ByteBuffer plaintext) {
    if (failOnReceive != null) {
      throw failOnReceive;
    }
    received.append(StandardCharsets.US_ASCII.decode(plaintext));
  }

  @Override
  public void inputEnded(String reason) {
    inputEnded = reason;
    inputEndedCalls++;
  }

  @Override
  public ByteBuffer nextOutput() {
    return output.peek();
  }

  @Override
  public void outputTaken(int bytes) {
    if (!output.isEmpty() && !output.peek().hasRemaining()) {
      output.poll();
    }
  }

  @Override
  public void closed(String reason, boolean duringHandshake, HandshakeFailure.Reason failure) {
    closedReason = reason;
    closedDuringHandshake = duringHandshake;
    this.failure = failure;
    closedCalls++;
  }
}
