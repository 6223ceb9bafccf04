package io.micropay.peer.net;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A socket's input with a deadline for a whole piece of work (one request line, say), not only
 * for each read: before every read the socket's timeout is set to what is left, so a client that
 * trickles a byte just before each timeout still runs out of time.
 */
final class DeadlineInputStream extends FilterInputStream {
  private final Socket socket;
  private long deadlineNanos = Long.MAX_VALUE;
  private String what = "the read";

  DeadlineInputStream(Socket socket, InputStream in) {
    super(in);
    this.socket = socket;
  }

  /** From now on reads must be done within {@code millis}; {@code what} names the work. */
  void deadline(long millis, String work) {
    deadlineNanos = System.nanoTime() + millis * 1_000_000L;
    what = work;
  }

  @Override
  public int read() throws IOException {
    arm();
    return super.read();
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    arm();
    return super.read(buffer, offset, length);
  }

  private void arm() throws IOException {
    long leftMillis = (deadlineNanos - System.nanoTime()) / 1_000_000L;
    if (leftMillis <= 0) {
      throw new SocketTimeoutException(what + " did not finish in time");
    }
    socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMillis));
  }
}
