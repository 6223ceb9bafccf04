package io.micropay.server.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The bytes under TLS for one connection: a non-blocking socket registered with an I/O loop in
 * the server ({@link SocketRecordChannel}), an in-memory pipe in tests of the layers above.
 * Used on the loop's thread only.
 */
interface RecordChannel {
  /** Reads what has arrived into {@code into}; 0 when nothing has, -1 at the end of the stream. */
  int read(ByteBuffer into) throws IOException;

  /** Writes what the other side will take now from {@code from}; may write nothing. */
  int write(ByteBuffer from) throws IOException;

  /** Ends the output (TCP FIN) and keeps the input open. */
  void shutdownOutput() throws IOException;

  /** Closes both directions; never fails. */
  void close();

  /** Asks to be told when the channel can be read from, written to, both or neither. */
  void interest(boolean read, boolean write);

  /** Who is on the other end. */
  InetSocketAddress remoteAddress();
}
