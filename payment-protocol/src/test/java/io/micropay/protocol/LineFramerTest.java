package io.micropay.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Line framing: terminators, the byte limit at its boundary, and any chunking of the input. */
class LineFramerTest {
  @Test
  void splitsOnLfAndDropsACrBeforeIt() {
    assertEquals(List.of("List", "Exit", "a\rb", ""), frame("List\r\nExit\na\rb\n\n"));
  }

  @Test
  void keepsAPartialLineUntilItsTerminatorArrives() {
    LineFramer framer = new LineFramer(Limits.MAX_LINE_BYTES);
    List<String> lines = new ArrayList<>();
    framer.feed(ascii("Li"), lines::add);
    assertTrue(lines.isEmpty());
    assertTrue(framer.hasPartialLine());
    framer.feed(ascii("st\r"), lines::add);
    assertTrue(lines.isEmpty());
    framer.feed(ascii("\n"), lines::add);
    assertEquals(List.of("List"), lines);
    assertFalse(framer.hasPartialLine());
  }

  @Test
  void stopsRightAfterTheLineItsConsumerHasNoRoomBeyond() {
    LineFramer framer = new LineFramer(Limits.MAX_LINE_BYTES);
    List<String> lines = new ArrayList<>();
    ByteBuffer input = ascii("\n".repeat(16_000));
    assertTrue(framer.feed(input, lines::add, () -> lines.size() < 64));
    assertEquals(64, lines.size());
    assertEquals(16_000 - 64, input.remaining(), "the rest stays in the input");
    assertTrue(framer.feed(input, lines::add, () -> true));
    assertEquals(16_000, lines.size());
  }

  @Test
  void aLineOfExactly1024BytesWithLfFits() {
    String content = "x".repeat(Limits.MAX_LINE_BYTES - 1);
    assertEquals(List.of(content), frame(content + "\n"));
  }

  @Test
  void aLineOfExactly1024BytesWithCrLfFits() {
    String content = "x".repeat(Limits.MAX_LINE_BYTES - 2);
    assertEquals(List.of(content), frame(content + "\r\n"));
  }

  @Test
  void a1025ByteLineIsTooLongAsSoonAs1024BytesArriveWithoutLf() {
    LineFramer framer = new LineFramer(Limits.MAX_LINE_BYTES);
    List<String> lines = new ArrayList<>();
    assertTrue(framer.feed(ascii("x".repeat(Limits.MAX_LINE_BYTES - 1)), lines::add));
    assertFalse(framer.feed(ascii("x"), lines::add), "the 1024th byte is not a LF");
    assertTrue(framer.isTooLong());
    assertFalse(framer.feed(ascii("\nList\n"), lines::add), "nothing more is taken");
    assertTrue(lines.isEmpty());
  }

  @Test
  void a1024ByteLineWithCrLfEndingIsTooLong() {
    LineFramer framer = new LineFramer(Limits.MAX_LINE_BYTES);
    assertFalse(framer.feed(ascii("x".repeat(Limits.MAX_LINE_BYTES - 1) + "\r\n"), line -> {
    }));
  }

  @Test
  void bytesAbove127ReachTheParserUnchanged() {
    byte[] bytes = {'a', (byte) 0xe9, 0, 'b', '\n'};
    List<String> lines = new ArrayList<>();
    new LineFramer(64).feed(ByteBuffer.wrap(bytes), lines::add);
    assertEquals("a\u00e9\u0000b", lines.get(0));
  }

  @Test
  void anyChunkingGivesTheSameLines() {
    String input = "REGISTER#alice\r\nalice#5000\nList\r\n" + "y".repeat(900) + "\nExit\r\n";
    List<String> whole = frame(input);
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      LineFramer framer = new LineFramer(Limits.MAX_LINE_BYTES);
      List<String> lines = new ArrayList<>();
      ByteBuffer all = ascii(input);
      while (all.hasRemaining()) {
        int size = Math.min(all.remaining(), 1 + random.nextInt(round % 2 == 0 ? 3 : 200));
        ByteBuffer chunk = all.slice().limit(size);
        all.position(all.position() + size);
        framer.feed(chunk, lines::add);
      }
      assertEquals(whole, lines, "round " + round);
    }
  }

  private static List<String> frame(String input) {
    List<String> lines = new ArrayList<>();
    new LineFramer(Limits.MAX_LINE_BYTES).feed(ascii(input), lines::add);
    return lines;
  }

  private static ByteBuffer ascii(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
  }
}
