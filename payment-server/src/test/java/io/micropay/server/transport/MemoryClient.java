package io.micropay.server.transport;

import io.micropay.pki.Passphrase;
import io.micropay.pki.Role;
import io.micropay.pki.tls.CrlSource;
import io.micropay.pki.tls.TlsContexts;
import io.micropay.pki.testing.TestPki;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLParameters;

/**
 * A TLS client on a {@link MemoryChannel}: a real client engine with a peer's certificate from a
 * {@link TestPki}, driven by hand from the test's thread. Its delegated tasks run inline.
 */
final class MemoryClient {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final MemoryChannel channel;
  private final SSLEngine engine;
  private final ByteBuffer netIn = ByteBuffer.allocate(1 << 20);
  private final ByteBuffer netOut = ByteBuffer.allocate(1 << 20);
  private final ByteBuffer plaintext = ByteBuffer.allocate(1 << 20);
  private final StringBuilder received = new StringBuilder();
  private boolean serverClosed;

  MemoryClient(MemoryChannel channel, SSLEngine engine) {
    this.channel = channel;
    this.engine = engine;
    try {
      engine.beginHandshake();
    } catch (IOException e) {
      throw new IllegalStateException("the client engine cannot start", e);
    }
  }

  /** A client of {@code pki}'s server with peer {@code name}'s certificate. */
  static MemoryClient of(TestPki pki, String name, MemoryChannel channel) {
    return new MemoryClient(channel, engine(context(pki, name), null));
  }

  /** The TLS context of peer {@code name}: several clients of one context resume sessions. */
  static TlsContexts context(TestPki pki, String name) {
    TestPki.Identity identity = pki.peer(name);
    return TlsContexts.load(pki.layout().caCertificate(),
        ca -> new CrlSource(pki.layout().crl(), ca, Clock.systemUTC()), identity.certificate(),
        identity.key(), Passphrase.none(), Role.PEER, Clock.systemUTC(), pki.engine());
  }

  /** A client engine of {@code contexts}, offering TLS {@code protocol} only when not null. */
  static SSLEngine engine(TlsContexts contexts, String protocol) {
    SSLEngine engine = contexts.newClientEngine("localhost", 8700);
    SSLParameters parameters = engine.getSSLParameters();
    if (protocol != null) {
      parameters.setProtocols(new String[] {protocol});
    }
    engine.setSSLParameters(parameters);
    return engine;
  }

  SSLEngine engine() {
    return engine;
  }

  /** One round of the client: takes what the server wrote, answers, sends what it owes. */
  void step() throws IOException {
    channel.toClient(netIn);
    unwrapAll();
    wrapWhileNeeded();
  }

  /** Whether the client's handshake is done. */
  boolean handshakeDone() {
    HandshakeStatus status = engine.getHandshakeStatus();
    return status == HandshakeStatus.NOT_HANDSHAKING && engine.getSession().isValid();
  }

  /** Sends {@code text} as application data. */
  void send(String text) throws IOException {
    ByteBuffer source = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    while (source.hasRemaining()) {
      SSLEngineResult result = engine.wrap(source, netOut);
      if (result.getStatus() != SSLEngineResult.Status.OK) {
        throw new IllegalStateException("client wrap: " + result);
      }
    }
    flush();
  }

  /** Sends {@code text} as one record per byte (the smallest records a client can make). */
  void sendByteRecords(String text) throws IOException {
    for (char c : text.toCharArray()) {
      send(String.valueOf(c));
    }
  }

  /**
   * Sends close_notify: wrapped until the engine says its output is done (the JDK's asks for the
   * wrap with NEED_WRAP, BoringSSL's does not ask).
   */
  void closeOutbound() throws IOException {
    engine.closeOutbound();
    for (int round = 0; round < 16 && !engine.isOutboundDone(); round++) {
      engine.wrap(EMPTY, netOut);
    }
    wrapWhileNeeded();
  }

  /** What the client has decrypted so far. */
  String received() throws IOException {
    step();
    return received.toString();
  }

  /** Whether the server's close_notify has arrived. */
  boolean serverClosed() throws IOException {
    step();
    return serverClosed;
  }

  private void unwrapAll() throws IOException {
    netIn.flip();
    try {
      while (netIn.hasRemaining()) {
        SSLEngineResult result = engine.unwrap(netIn, plaintext);
        runTasks();
        if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
          serverClosed = true;
          break;
        }
        if (result.getStatus() != SSLEngineResult.Status.OK) {
          break;
        }
        if (result.bytesConsumed() == 0 && result.bytesProduced() == 0) {
          break;
        }
      }
    } finally {
      netIn.compact();
    }
    plaintext.flip();
    received.append(StandardCharsets.US_ASCII.decode(plaintext));
    plaintext.clear();
  }

  private void wrapWhileNeeded() throws IOException {
    for (int round = 0; round < 16; round++) {
      runTasks();
      if (engine.getHandshakeStatus() != HandshakeStatus.NEED_WRAP) {
        break;
      }
      SSLEngineResult result = engine.wrap(EMPTY, netOut);
      if (result.getStatus() == SSLEngineResult.Status.CLOSED && result.bytesProduced() == 0) {
        break;
      }
    }
    flush();
  }

  private void runTasks() {
    for (Runnable task = engine.getDelegatedTask(); task != null;
        task = engine.getDelegatedTask()) {
      task.run();
    }
  }

  private void flush() {
    netOut.flip();
    channel.fromClient(netOut);
    netOut.clear();
  }
}
