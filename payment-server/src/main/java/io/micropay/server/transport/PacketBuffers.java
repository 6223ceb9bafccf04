package io.micropay.server.transport;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The TLS record buffers of one {@link IoLoop}'s connections. A connection borrows a buffer only
 * while it holds bytes that are not yet decrypted, not yet written or not yet framed into lines,
 * and gives it back when the buffer is empty; so an idle session (most of 10,000 online peers)
 * holds none, instead of two buffers of 16 KiB each. Decryption goes into one plaintext buffer
 * that every connection of the loop shares, since its content is handed on before the next
 * connection runs. Used on the loop's thread only, hence no locking.
 */
final class PacketBuffers {
  /** Free buffers kept at most: enough for the connections of one busy loop turn. */
  static final int MAX_FREE = 256;
  /** The plaintext buffer's first size: a whole TLS record's plaintext plus slack. */
  static final int PLAINTEXT_BYTES = 32 * 1024;
  /**
   * The most the plaintext buffer may grow to for an engine that decrypts several records per
   * call and asks for more room: far more than any engine needs; beyond it is a broken engine.
   */
  static final int MAX_PLAINTEXT_BYTES = 1024 * 1024;

  private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
  private ByteBuffer plaintext;

  PacketBuffers() {
    this(PLAINTEXT_BYTES);
  }

  /** Buffers whose shared plaintext buffer starts at {@code plaintextBytes} (small, in tests). */
  PacketBuffers(int plaintextBytes) {
    this.plaintext = ByteBuffer.allocate(plaintextBytes);
  }

  /** An empty buffer of at least {@code bytes}. */
  ByteBuffer acquire(int bytes) {
    ByteBuffer buffer = free.poll();
    if (buffer == null || buffer.capacity() < bytes) {
      return ByteBuffer.allocate(bytes);
    }
    return buffer;
  }

  /** Takes back a buffer its connection no longer needs; its content is discarded. */
  void release(ByteBuffer buffer) {
    if (free.size() < MAX_FREE) {
      buffer.clear();
      free.push(buffer);
    }
  }

  /** Free buffers held now (for tests of the borrowing). */
  int freeBuffers() {
    return free.size();
  }

  /**
   * The shared plaintext buffer, cleared, with room for at least {@code bytes} (an engine's
   * application buffer size). Its content must be handed on before another connection runs.
   */
  ByteBuffer plaintext(int bytes) {
    if (plaintext.capacity() < bytes) {
      plaintext = ByteBuffer.allocate(checkedSize(bytes));
    }
    plaintext.clear();
    return plaintext;
  }

  /**
   * The shared plaintext buffer, twice as large, cleared: an engine said it was too small even
   * though it was empty and as large as the engine asked.
   */
  ByteBuffer growPlaintext() {
    plaintext = ByteBuffer.allocate(checkedSize(2 * plaintext.capacity()));
    return plaintext;
  }

  private static int checkedSize(int bytes) {
    if (bytes > MAX_PLAINTEXT_BYTES) {
      throw new IllegalStateException("an engine asked for a plaintext buffer of " + bytes
          + " bytes, more than " + MAX_PLAINTEXT_BYTES);
    }
    return bytes;
  }
}
