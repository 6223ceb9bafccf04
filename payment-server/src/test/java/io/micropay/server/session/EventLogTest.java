package io.micropay.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.protocol.OnlineEntry;
import io.micropay.protocol.OnlineList;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a reply becomes one log line at {@code --verbosity all}. */
class EventLogTest {
  private static final String KEY = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE";

  @Test
  void aShortReplyIsLoggedWholeOnOneLine() {
    byte[] reply = OnlineList.encode(10_000, KEY,
        OnlineList.encodeEntries(List.of(new OnlineEntry("alice", "127.0.0.1", 6000))));
    assertEquals("10000 | " + KEY + " | 1 | alice#127.0.0.1#6000", EventLog.loggable(reply));
  }

  @Test
  void aReplyOfExactlyTheLimitIsNotCutAndOneByteMoreIs() {
    byte[] reply = ("x".repeat(EventLog.MAX_LOGGED_REPLY_CHARS - 2) + "\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    assertEquals(EventLog.MAX_LOGGED_REPLY_CHARS, reply.length);
    assertEquals("x".repeat(EventLog.MAX_LOGGED_REPLY_CHARS - 2), EventLog.loggable(reply));
    byte[] onePast = ("y" + new String(reply, StandardCharsets.US_ASCII))
        .getBytes(StandardCharsets.US_ASCII);
    assertEquals("y" + "x".repeat(EventLog.MAX_LOGGED_REPLY_CHARS - 2) + " ... ("
        + onePast.length + " bytes)", EventLog.loggable(onePast));
  }

  @Test
  void theOnlineListOfTenThousandPeersIsCutAndSaysItsSize() {
    List<OnlineEntry> entries = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      entries.add(new OnlineEntry(String.format("peer%05d", i), "127.0.0.1", 6000));
    }
    byte[] reply = OnlineList.encode(10_000, KEY, OnlineList.encodeEntries(entries));
    String line = EventLog.loggable(reply);
    assertTrue(line.startsWith("10000 | " + KEY + " | 10000 | peer00000#127.0.0.1#6000 | "),
        line);
    assertTrue(line.endsWith(" ... (" + reply.length + " bytes)"), line);
    assertTrue(line.length() < EventLog.MAX_LOGGED_REPLY_CHARS + 40, line);
    assertTrue(!line.contains("\r") && !line.contains("\n"), line);
  }
}
