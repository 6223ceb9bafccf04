package io.micropay.protocol;

import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Cuts a byte stream into lines (PROTOCOL.md section 2), fed in whatever chunks the network
 * delivers. A line ends with LF; a CR right before the LF is dropped; the terminator is not part of
 * the line. Bytes map one to one onto characters 0 to 255, so a NUL, a control character or a
 * non-ASCII byte reaches the parser intact and is refused there. A line is too long as soon as
 * {@code maxLineBytes} bytes have arrived without a LF: the framer says so at once, without
 * waiting for an end that may never come, and then takes no more input.
 *
 * <p>Not thread-safe: one framer per connection, fed by one thread at a time.
 */
public final class LineFramer {
  private final int maxLineBytes;
  private final byte[] line;
  private int length;
  private boolean tooLong;

  /** A framer for lines of at most {@code maxLineBytes} bytes, terminator included. */
  public LineFramer(int maxLineBytes) {
    if (maxLineBytes < 2) {
      throw new IllegalArgumentException("maxLineBytes must be at least 2, was " + maxLineBytes);
    }
    this.maxLineBytes = maxLineBytes;
    this.line = new byte[maxLineBytes];
  }

  /**
   * Consumes all of {@code input}, handing each complete line to {@code sink}. Returns false, and
   * consumes nothing more from now on, once a line is too long.
   */
  public boolean feed(ByteBuffer input, Consumer<String> sink) {
    return feed(input, sink, () -> true);
  }

  /**
   * As {@link #feed(ByteBuffer, Consumer)}, but stops right after a line when
   * {@code wantsMore} says no, leaving the rest in {@code input}: a consumer whose queue is full
   * takes no more lines than it has room for, however many one chunk holds.
   */
  public boolean feed(ByteBuffer input, Consumer<String> sink, BooleanSupplier wantsMore) {
    while (!tooLong && input.hasRemaining()) {
      byte b = input.get();
      if (b == '\n') {
        sink.accept(takeLine());
        if (!wantsMore.getAsBoolean()) {
          break;
        }
      } else if (length + 1 >= maxLineBytes) {
        // This byte would leave no room for the LF: the line cannot fit.
        tooLong = true;
      } else {
        line[length++] = b;
      }
    }
    return !tooLong;
  }

  /** Whether a partial line is waiting for its terminator. */
  public boolean hasPartialLine() {
    return length > 0;
  }

  /** Whether the input went past the limit. */
  public boolean isTooLong() {
    return tooLong;
  }

  private String takeLine() {
    int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
    char[] characters = new char[end];
    for (int i = 0; i < end; i++) {
      characters[i] = (char) (line[i] & 0xff);
    }
    length = 0;
    return new String(characters);
  }
}
