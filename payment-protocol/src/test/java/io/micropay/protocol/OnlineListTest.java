package io.micropay.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The online list: its exact encoding, reading it back, and what a client refuses. */
class OnlineListTest {
  private static final String KEY = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE";

  @Test
  void encodesBalanceKeyCountAndSortedEntriesWithCrLf() {
    OnlineList list = new OnlineList(9700, KEY, List.of(new OnlineEntry("bob", "127.0.0.1",
        6001), new OnlineEntry("alice", "10.0.0.7", 6000)));
    assertEquals("9700\r\n" + KEY + "\r\n2\r\nalice#10.0.0.7#6000\r\nbob#127.0.0.1#6001\r\n",
        new String(list.encode(), StandardCharsets.US_ASCII));
  }

  @Test
  void readsBackWhatItEncodes() throws IOException {
    OnlineList list = new OnlineList(0, KEY, List.of(new OnlineEntry("alice", "::1", 6000)));
    assertEquals(list, OnlineList.read(reader(new String(list.encode(),
        StandardCharsets.US_ASCII)), 10));
    OnlineList empty = new OnlineList(Limits.MAX_BALANCE, KEY, List.of());
    assertEquals(empty, OnlineList.read(reader(new String(empty.encode(),
        StandardCharsets.US_ASCII)), 10));
  }

  @Test
  void authFailIsItsOwnException() {
    assertThrows(AuthFailedException.class,
        () -> OnlineList.read(reader("220 AUTH_FAIL\r\n"), 10));
  }

  @Test
  void refusesMalformedLists() {
    String[] broken = {
        "-1\r\n" + KEY + "\r\n0\r\n",
        "1000000000000000001\r\n" + KEY + "\r\n0\r\n",
        "5\r\nnot base64!\r\n0\r\n",
        "5\r\n" + KEY + "\r\n2\r\nalice#127.0.0.1#6000\r\n",
        "5\r\n" + KEY + "\r\n1\r\nalice#localhost#6000\r\n",
        "5\r\n" + KEY + "\r\n1\r\nalice#999.0.0.1#6000\r\n",
        "5\r\n" + KEY + "\r\n1\r\nalice#127.0.0.1#80\r\n",
        "5\r\n" + KEY + "\r\n1\r\n1alice#127.0.0.1#6000\r\n",
        "5\r\n" + KEY + "\r\n1\r\nalice#127.0.0.1\r\n",
        "5\r\n" + KEY + "\r\nmany\r\n"};
    for (String reply : broken) {
      assertThrows(ProtocolException.class, () -> OnlineList.read(reader(reply), 10), reply);
    }
  }

  @Test
  void refusesMoreEntriesThanTheCallerAccepts() throws IOException {
    String two = "5\r\n" + KEY + "\r\n2\r\na#127.0.0.1#6000\r\nb#127.0.0.1#6001\r\n";
    assertEquals(2, OnlineList.read(reader(two), 2).entries().size());
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> OnlineList.read(reader(two), 1));
    assertTrue(e.getMessage().contains("0..1"), e.getMessage());
  }

  private static LineReader reader(String text) {
    return LineReader.forReplies(new ByteArrayInputStream(
        text.getBytes(StandardCharsets.US_ASCII)));
  }
}
