package io.micropay.server.transport;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The TLS record buffers of one {@link IoLoop}'s connections. A connection borrows a buffer only
 * while it holds bytes that are not yet decrypted or not yet written, and gives it back when the
 * buffer is empty; so an idle session (most of 10,000 online peers) holds none, instead of two
 * buffers of 16 KiB each. Used on the loop's thread only, hence no locking.
 */
final class PacketBuffers {
  /** Free buffers kept at most: enough for the connections of one busy loop turn. */
  static final int MAX_FREE = 256;

  private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();

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
}
