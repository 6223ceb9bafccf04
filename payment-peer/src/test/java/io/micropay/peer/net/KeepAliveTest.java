package io.micropay.peer.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The payee's keep-alive settings at and past their limits: kept as given, or refused. */
class KeepAliveTest {
  @Test
  void idleTimeIsAboveZeroAndAtMostAMinute() {
    assertEquals(Duration.ofMillis(1), new KeepAlive(Duration.ofMillis(1), 1).idle());
    assertEquals(Duration.ofMinutes(1), new KeepAlive(Duration.ofMinutes(1), 1).idle());
    assertThrows(IllegalArgumentException.class, () -> new KeepAlive(Duration.ZERO, 1));
    assertThrows(IllegalArgumentException.class, () -> new KeepAlive(Duration.ofMillis(-1), 1));
    assertThrows(IllegalArgumentException.class,
        () -> new KeepAlive(Duration.ofMinutes(1).plusMillis(1), 1));
  }

  @Test
  void requestsPerConnectionAreOneToTheLimit() {
    assertEquals(1, new KeepAlive(Duration.ofSeconds(5), 1).maxRequests());
    assertEquals(KeepAlive.MAX_REQUESTS_LIMIT,
        new KeepAlive(Duration.ofSeconds(5), KeepAlive.MAX_REQUESTS_LIMIT).maxRequests());
    assertThrows(IllegalArgumentException.class, () -> new KeepAlive(Duration.ofSeconds(5), 0));
    assertThrows(IllegalArgumentException.class,
        () -> new KeepAlive(Duration.ofSeconds(5), KeepAlive.MAX_REQUESTS_LIMIT + 1));
  }
}
