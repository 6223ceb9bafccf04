package io.micropay.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --server}: one host:port or several, each checked, with the limits at their edges. */
class ServerAddressTest {
  @Test
  void readsOneOrSeveralInOrder() {
    assertEquals(List.of(new ServerAddress("localhost", 8700)),
        ServerAddress.parseList("localhost:8700"));
    assertEquals(List.of(new ServerAddress("a.example", 8700), new ServerAddress("10.0.0.2", 1),
        new ServerAddress("::1", 65535)),
        ServerAddress.parseList("a.example:8700, 10.0.0.2:1,[::1]:65535"));
    assertEquals("[::1]:8700", new ServerAddress("::1", 8700).toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "10.213.0.1", ":8700", "localhost:", "localhost:0",
      "localhost:65536", "local host:8700", "::1:8700", "a:1,,b:2", "a:1,a:1", ""})
  void refusesWhatIsNotAListOfHostPort(String text) {
    assertThrows(IllegalArgumentException.class, () -> ServerAddress.parseList(text), text);
  }

  @Test
  void theLimitsHoldAtTheirEdges() {
    StringBuilder sixteen = new StringBuilder();
    for (int i = 0; i < ServerAddress.MAX_SERVERS; i++) {
      sixteen.append(i == 0 ? "" : ",").append("h").append(i).append(":8700");
    }
    assertEquals(ServerAddress.MAX_SERVERS, ServerAddress.parseList(sixteen.toString()).size());
    IllegalArgumentException seventeen = assertThrows(IllegalArgumentException.class,
        () -> ServerAddress.parseList(sixteen + ",h99:8700"));
    assertTrue(seventeen.getMessage().contains("at most 16"), seventeen.getMessage());
    String longest = "h".repeat(ServerAddress.MAX_HOST_CHARS);
    assertEquals(longest, ServerAddress.parse(longest + ":1").host());
    assertThrows(IllegalArgumentException.class, () -> ServerAddress.parse(longest + "h:1"));
    assertThrows(IllegalArgumentException.class,
        () -> ServerAddress.parseList("x".repeat(ServerAddress.MAX_LIST_CHARS + 1)));
  }
}
