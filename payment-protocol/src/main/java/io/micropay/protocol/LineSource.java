package io.micropay.protocol;

import java.io.IOException;

/**
 * Where a multi-line reply is read from, one line at a time: a {@link LineReader} on a stream, or
 * the queue a session's reader thread fills.
 */
@FunctionalInterface
public interface LineSource {
  /**
   * The next line without its terminator, or null when the other side closed the connection.
   *
   * @throws IOException when the line cannot be read (a timeout, a line too long, a reset)
   */
  String readLine() throws IOException;
}
