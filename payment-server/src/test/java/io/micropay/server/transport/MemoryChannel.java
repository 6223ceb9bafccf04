package io.micropay.server.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A {@link RecordChannel} in memory, for tests of the layers above a socket: what the client
 * writes waits in one buffer, what the server writes in another, whose room can be limited to
 * play a client that does not read. Single-threaded, like the loop it stands in for.
 */
final class MemoryChannel implements RecordChannel {
  /** Bytes the client sent and the server has not read yet (write mode). */
  private final ByteBuffer toServer = ByteBuffer.allocate(1 << 20);
  /** Bytes the server wrote and the client has not read yet (write mode). */
  private final ByteBuffer toClient = ByteBuffer.allocate(1 << 20);
  /** How many unread bytes toward the client the "socket" holds at most. */
  private int clientWindowBytes = 1 << 20;
  private boolean clientEnded;
  boolean serverOutputShut;
  boolean closed;
  boolean wantsRead;
  boolean wantsWrite;
  int reads;

  /** The client sends {@code bytes} (TLS records). */
  void fromClient(ByteBuffer bytes) {
    toServer.put(bytes);
  }

  /** The client half-closes: once what it sent is read, the server reads the end. */
  void endFromClient() {
    clientEnded = true;
  }

  /** Limits what the server can write before the client reads (a full socket buffer). */
  void limitClientWindow(int bytes) {
    clientWindowBytes = bytes;
  }

  /** Whether a selector would say the channel is readable: bytes or the end wait. */
  boolean readable() {
    return toServer.position() > 0 || clientEnded;
  }

  /** Whether a selector would say the channel is writable: the client has room. */
  boolean writable() {
    return toClient.position() < clientWindowBytes;
  }

  /** Whether the server wrote bytes the client has not taken yet. */
  boolean hasBytesForClient() {
    return toClient.position() > 0;
  }

  /** Moves what the server wrote into {@code into} (as far as it has room). */
  void toClient(ByteBuffer into) {
    toClient.flip();
    int count = Math.min(toClient.remaining(), into.remaining());
    ByteBuffer slice = toClient.slice();
    slice.limit(count);
    into.put(slice);
    toClient.position(toClient.position() + count);
    toClient.compact();
  }

  @Override
  public int read(ByteBuffer into) throws IOException {
    if (closed) {
      throw new IOException("closed");
    }
    reads++;
    if (toServer.position() == 0) {
      return clientEnded ? -1 : 0;
    }
    toServer.flip();
    int count = Math.min(toServer.remaining(), into.remaining());
    ByteBuffer slice = toServer.slice();
    slice.limit(count);
    into.put(slice);
    toServer.position(toServer.position() + count);
    toServer.compact();
    return count;
  }

  @Override
  public int write(ByteBuffer from) throws IOException {
    if (closed || serverOutputShut) {
      throw new IOException("closed");
    }
    int room = clientWindowBytes - toClient.position();
    int count = Math.max(0, Math.min(room, from.remaining()));
    ByteBuffer slice = from.slice();
    slice.limit(count);
    toClient.put(slice);
    from.position(from.position() + count);
    return count;
  }

  @Override
  public void shutdownOutput() {
    serverOutputShut = true;
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public void interest(boolean read, boolean write) {
    wantsRead = read;
    wantsWrite = write;
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_000);
  }
}
