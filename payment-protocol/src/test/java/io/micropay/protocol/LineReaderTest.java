package io.micropay.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The blocking reader: lines, clean end, a torn last line, and the limit. */
class LineReaderTest {
  @Test
  void readsLinesThenNullAtACleanEnd() throws IOException {
    LineReader reader = LineReader.forReplies(stream("100 OK\r\nBye\r\n"));
    assertEquals("100 OK", reader.readLine());
    assertEquals("Bye", reader.readLine());
    assertNull(reader.readLine());
  }

  @Test
  void readsLinesDeliveredOneByteAtATime() throws IOException {
    InputStream trickle = new InputStream() {
      private final byte[] bytes = "a#1\nb#2\r\n".getBytes(StandardCharsets.US_ASCII);
      private int next;

      @Override
      public int read() {
        return next < bytes.length ? bytes[next++] : -1;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) {
        int b = read();
        if (b < 0) {
          return -1;
        }
        buffer[offset] = (byte) b;
        return 1;
      }
    };
    LineReader reader = LineReader.forRequests(trickle);
    assertEquals("a#1", reader.readLine());
    assertEquals("b#2", reader.readLine());
    assertNull(reader.readLine());
  }

  @Test
  void aStreamEndingMidLineIsAnError() throws IOException {
    LineReader reader = LineReader.forReplies(stream("100 OK\r\nBy"));
    assertEquals("100 OK", reader.readLine());
    assertThrows(EOFException.class, reader::readLine);
  }

  @Test
  void enforcesItsLimit() throws IOException {
    assertEquals("x".repeat(15), new LineReader(stream("x".repeat(15) + "\n"), 16).readLine());
    LineReader tooLong = new LineReader(stream("x".repeat(16) + "\n"), 16);
    assertThrows(LineTooLongException.class, tooLong::readLine);
  }

  private static InputStream stream(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
  }
}
