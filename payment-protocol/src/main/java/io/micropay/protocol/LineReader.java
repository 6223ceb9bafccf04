package io.micropay.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Reads lines from a blocking stream with the same rules as {@link LineFramer}, which it uses:
 * the peer reads the server's replies and payers' requests with it. It reads the stream in
 * chunks and keeps the lines it read ahead for the next calls, so nobody else may read the
 * stream.
 */
public final class LineReader implements LineSource {
  private static final int CHUNK_BYTES = 4096;

  private final InputStream in;
  private final LineFramer framer;
  private final int maxLineBytes;
  private final ArrayDeque<String> lines = new ArrayDeque<>();
  private final byte[] chunk = new byte[CHUNK_BYTES];

  /** A reader of lines of at most {@code maxLineBytes} bytes, terminator included. */
  public LineReader(InputStream in, int maxLineBytes) {
    this.in = in;
    this.maxLineBytes = maxLineBytes;
    this.framer = new LineFramer(maxLineBytes);
  }

  /** A reader of replies, with {@link Limits#MAX_REPLY_LINE_BYTES}. */
  public static LineReader forReplies(InputStream in) {
    return new LineReader(in, Limits.MAX_REPLY_LINE_BYTES);
  }

  /** A reader of requests, with {@link Limits#MAX_LINE_BYTES}. */
  public static LineReader forRequests(InputStream in) {
    return new LineReader(in, Limits.MAX_LINE_BYTES);
  }

  /**
   * The next line without its terminator, or null at a clean end of stream.
   *
   * @throws LineTooLongException when a line goes past the limit
   * @throws EOFException when the stream ends in the middle of a line
   */
  @Override
  public String readLine() throws IOException {
    while (lines.isEmpty()) {
      int count = in.read(chunk);
      if (count < 0) {
        if (framer.hasPartialLine()) {
          throw new EOFException("the connection ended in the middle of a line");
        }
        return null;
      }
      if (!framer.feed(ByteBuffer.wrap(chunk, 0, count), lines::add)) {
        throw new LineTooLongException(maxLineBytes);
      }
    }
    return lines.poll();
  }
}
