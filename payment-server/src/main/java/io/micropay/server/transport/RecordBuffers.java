package io.micropay.server.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;

/**
 * The TLS record bytes of one connection on their way between the socket and the engine: what
 * was received and not yet decrypted, and what was encrypted and not yet written. Both buffers
 * are borrowed from the loop's {@link PacketBuffers} only while they hold bytes, so an idle
 * connection holds none. Used on the loop's thread only.
 */
final class RecordBuffers {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  /** Records wrapped at most to get a failed handshake's alert out (a few are ever needed). */
  private static final int MAX_ALERT_RECORDS = 8;
  /** Input read and dropped at most before closing a refused connection. */
  private static final int MAX_DISCARDED_BYTES = 64 * 1024;

  private final SocketChannel channel;
  private final SSLEngine engine;
  private final PacketBuffers pool;
  /** Received TLS bytes not yet decrypted; null when there are none. */
  private ByteBuffer netIn;
  /** Encrypted bytes not yet written; null when there are none. */
  private ByteBuffer netOut;

  RecordBuffers(SocketChannel channel, SSLEngine engine, PacketBuffers pool) {
    this.channel = channel;
    this.engine = engine;
    this.pool = pool;
  }

  /** Reads what the socket has into the input buffer; -1 at the end of the stream. */
  int read() throws IOException {
    return channel.read(netIn());
  }

  /** Whether received bytes wait to be decrypted. */
  boolean hasInput() {
    return netIn != null && netIn.position() > 0;
  }

  /** Decrypts from the received bytes into {@code plaintext}. */
  SSLEngineResult unwrap(ByteBuffer plaintext) throws IOException {
    netIn.flip();
    try {
      return engine.unwrap(netIn, plaintext);
    } finally {
      netIn.compact();
    }
  }

  /** Encrypts from {@code source} into the output buffer. */
  SSLEngineResult wrap(ByteBuffer source) throws IOException {
    return engine.wrap(source, netOut());
  }

  /** After an underflow with a full buffer: grows it to the engine's packet size. */
  void growInputIfFull() {
    int packetBytes = engine.getSession().getPacketBufferSize();
    if (netIn != null && netIn.remaining() == 0 && netIn.capacity() < packetBytes) {
      ByteBuffer bigger = ByteBuffer.allocate(packetBytes);
      netIn.flip();
      bigger.put(netIn);
      netIn = bigger;
    }
  }

  /** Writes what the engine produced; true when everything went out. */
  boolean flush() throws IOException {
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

  /** Whether encrypted bytes wait to be written. */
  boolean hasUnsent() {
    return netOut != null && netOut.position() > 0;
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
  void sendAlert(ByteBuffer scratch) {
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
      discardInput(scratch);
    } catch (IOException | RuntimeException ignored) {
      // The connection is being closed for the original failure, which is what gets logged.
    }
  }

  /** Reads what has arrived and drops it, a bounded amount, without waiting for more. */
  private void discardInput(ByteBuffer scratch) throws IOException {
    for (int read = 0; read < MAX_DISCARDED_BYTES; ) {
      scratch.clear();
      int count = channel.read(scratch);
      if (count <= 0) {
        return;
      }
      read += count;
    }
  }

  /** Gives back the buffers that hold nothing; the next read or write borrows again. */
  void returnEmpty() {
    netIn = returnIfEmpty(netIn);
    netOut = returnIfEmpty(netOut);
  }

  /** Drops what was not decrypted or not written and gives both buffers back. */
  void discard() {
    if (netIn != null) {
      netIn.clear();
    }
    if (netOut != null) {
      netOut.clear();
    }
    returnEmpty();
  }

  /** Whether a buffer is borrowed now (for tests of the borrowing). */
  boolean holdsBuffers() {
    return netIn != null || netOut != null;
  }

  private ByteBuffer netIn() {
    if (netIn == null) {
      netIn = pool.acquire(engine.getSession().getPacketBufferSize());
    }
    return netIn;
  }

  private ByteBuffer netOut() {
    if (netOut == null) {
      netOut = pool.acquire(engine.getSession().getPacketBufferSize());
    }
    return netOut;
  }

  private ByteBuffer returnIfEmpty(ByteBuffer buffer) {
    if (buffer == null || buffer.position() > 0) {
      return buffer;
    }
    pool.release(buffer);
    return null;
  }
}
