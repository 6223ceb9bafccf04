package io.micropay.system;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micropay.peer.net.KeepAlive;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The payee's keep-alive settings at and past their limits. */
class KeepAliveTest {
  @Test
  void idleTimeIsAboveZeroAndAtMostAMinute() {
    assertDoesNotThrow(() -> new KeepAlive(Duration.ofMillis(1), 1));
    assertDoesNotThrow(() -> new KeepAlive(Duration.ofMinutes(1), 1));
    assertThrows(IllegalArgumentException.class, () -> new KeepAlive(Duration.ZERO, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new KeepAlive(Duration.ofMinutes(1).plusMillis(1), 1));
  }

  @Test
  void requestsPerConnectionAreOneToTheLimit() {
    assertDoesNotThrow(() -> new KeepAlive(Duration.ofSeconds(5), KeepAlive.MAX_REQUESTS_LIMIT));
    assertThrows(IllegalArgumentException.class, () -> new KeepAlive(Duration.ofSeconds(5), 0));
    assertThrows(IllegalArgumentException.class,
        () -> new KeepAlive(Duration.ofSeconds(5), KeepAlive.MAX_REQUESTS_LIMIT + 1));
  }
}
