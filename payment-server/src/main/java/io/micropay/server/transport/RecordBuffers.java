package io.micropay.server.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;

/**
 * The TLS record bytes of one connection on their way between the channel and the engine: what
 * was received and not yet decrypted, and what was encrypted and not yet written. Both buffers
 * are borrowed from the loop's {@link PacketBuffers} only while they hold bytes, so an idle
 * connection holds none. Sizes come from the engine's session, never from assumptions about one
 * engine; a buffer too small for what the engine needs grows, within a bound. Used on the loop's
 * thread only.
 */
final class RecordBuffers {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  /** Records wrapped at most to get a failed handshake's alert out (a few are ever needed). */
  private static final int MAX_ALERT_RECORDS = 8;
  /** Input read and dropped at most before closing a refused connection. */
  private static final int MAX_DISCARDED_BYTES = 64 * 1024;
  /**
   * The most a record buffer grows to: a TLS record is at most 16 KiB of plaintext plus its
   * overhead, so an engine asking for far more than that is broken.
   */
  static final int MAX_RECORD_BUFFER_BYTES = 256 * 1024;

  private final RecordChannel channel;
  private final SSLEngine engine;
  private final PacketBuffers pool;
  /** Received TLS bytes not yet decrypted; null when there are none. */
  private ByteBuffer netIn;
  /** Encrypted bytes not yet written; null when there are none. */
  private ByteBuffer netOut;
  private boolean endOfStream;
  private long bytesRead;
  /** The last unwrap took or gave bytes (see {@link #mayDecrypt}). */
  private boolean enginePending;
  /** The loop's plaintext buffer as the last unwrap used it. */
  private ByteBuffer plaintext;

  RecordBuffers(RecordChannel channel, SSLEngine engine, PacketBuffers pool) {
    this.channel = channel;
    this.engine = engine;
    this.pool = pool;
  }

  /** Reads what the channel has into the input buffer, or its end of stream. */
  void read() throws IOException {
    int count = channel.read(netIn());
    if (count < 0) {
      endOfStream = true;
    } else {
      bytesRead += count;
    }
  }

  /** Whether the channel's end of stream was read: input ends once the rest is decrypted. */
  boolean endOfStream() {
    return endOfStream;
  }

  /** Bytes read from the channel so far: activity, for the idle deadline. */
  long bytesRead() {
    return bytesRead;
  }

  /** Whether the input buffer could take more bytes (or is not borrowed yet). */
  boolean inputHasRoom() {
    return netIn == null || netIn.hasRemaining();
  }

  /**
   * Whether an unwrap may give plaintext: bytes wait, or the last unwrap took or gave some and
   * the engine may hold more (BoringSSL's takes in every whole record it is given and gives one
   * record's plaintext a call).
   */
  boolean mayDecrypt() {
    return hasInput() || enginePending;
  }

  /** Whether received bytes wait to be decrypted. */
  boolean hasInput() {
    return netIn != null && netIn.position() > 0;
  }

  /**
   * Decrypts from the received bytes into the loop's shared plaintext buffer, sized as the
   * engine's session asks; {@link #plaintext} then holds what came.
   */
  SSLEngineResult unwrap() throws IOException {
    plaintext = pool.plaintext(engine.getSession().getApplicationBufferSize());
    SSLEngineResult result;
    if (netIn == null) {
      // Nothing received: asks the engine for plaintext it decrypted earlier and kept.
      result = engine.unwrap(EMPTY, plaintext);
    } else {
      netIn.flip();
      try {
        result = engine.unwrap(netIn, plaintext);
      } finally {
        netIn.compact();
      }
    }
    enginePending = result.bytesConsumed() > 0 || result.bytesProduced() > 0;
    return result;
  }

  /** The received bytes not yet decrypted, as a view to read; empty when there are none. */
  ByteBuffer received() {
    return netIn == null ? EMPTY.duplicate() : netIn.duplicate().flip();
  }

  /** What the last {@link #unwrap} decrypted, ready to read; hand it on before the next. */
  ByteBuffer plaintext() {
    return plaintext.flip();
  }

  /** After an overflow with nothing decrypted: the engine needs a larger plaintext buffer. */
  void growPlaintext() {
    pool.growPlaintext();
  }

  /** Encrypts from {@code source} into the output buffer. */
  SSLEngineResult wrap(ByteBuffer source) throws IOException {
    return engine.wrap(source, netOut());
  }

  /**
   * After an underflow: when the input buffer is full the record does not fit in it, so it
   * grows to the engine's packet size, or twice its size when it was that already. True when
   * it grew; false when it has room and only more bytes from the client will help.
   */
  boolean growInputIfFull() {
    if (netIn == null || netIn.hasRemaining()) {
      return false;
    }
    netIn = grown(netIn);
    return true;
  }

  /**
   * After an overflow: writes what is waiting, and when nothing was waiting the buffer is too
   * small for one record, so it grows. True when there is room now to wrap again.
   */
  boolean makeOutputRoom() throws IOException {
    if (hasUnsent()) {
      return flush();
    }
    netOut = grown(netOut());
    return true;
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
  void sendAlert() {
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
      endOutput();
    } catch (IOException | RuntimeException ignored) {
      // The connection is being closed for the original failure, which is what gets logged.
    }
  }

  /**
   * Refuses the client before the engine has seen it, with {@code alert} (a plaintext alert
   * record), then ends the output as {@link #sendAlert} does; best effort.
   */
  void refuse(ByteBuffer alert) {
    try {
      channel.write(alert);
      endOutput();
    } catch (IOException ignored) {
      // The connection is being closed for the refusal, which is what gets logged.
    }
  }

  /** FIN after the alert, then what arrived is read and dropped (see {@link #sendAlert}). */
  private void endOutput() throws IOException {
    channel.shutdownOutput();
    discardInput(pool.plaintext(0));
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

  /** A larger buffer holding what {@code buffer} held (written, not yet flipped). */
  private ByteBuffer grown(ByteBuffer buffer) {
    int packetBytes = engine.getSession().getPacketBufferSize();
    int bytes = buffer.capacity() < packetBytes ? packetBytes : 2 * buffer.capacity();
    if (bytes > MAX_RECORD_BUFFER_BYTES) {
      throw new IllegalStateException("the engine needs a record buffer of " + bytes
          + " bytes, more than " + MAX_RECORD_BUFFER_BYTES + " (packet size " + packetBytes
          + ")");
    }
    ByteBuffer bigger = ByteBuffer.allocate(bytes);
    buffer.flip();
    bigger.put(buffer);
    pool.release(buffer);
    return bigger;
  }

  private ByteBuffer returnIfEmpty(ByteBuffer buffer) {
    if (buffer == null || buffer.position() > 0) {
      return buffer;
    }
    pool.release(buffer);
    return null;
  }
}
