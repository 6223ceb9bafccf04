package io.micropay.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Reconnect delays: 0.5 s doubling to the cap, jitter both ways, never past the cap. */
class BackoffTest {
  @Test
  void delaysDoubleFromHalfASecondToThirtySeconds() {
    Backoff backoff = Backoff.DEFAULT;
    long[] expectedMillis = {500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000};
    for (int attempt = 1; attempt <= expectedMillis.length; attempt++) {
      // A random 0.5 is the middle of the jitter: no change.
      assertEquals(Duration.ofMillis(expectedMillis[attempt - 1]),
          backoff.delay(attempt, () -> 0.5), "attempt " + attempt);
    }
    assertEquals(Duration.ofSeconds(30), backoff.delay(1_000_000, () -> 0.5));
  }

  @Test
  void jitterMovesADelayUpToTwentyPercentEitherWayButNeverPastTheCap() {
    Backoff backoff = Backoff.DEFAULT;
    assertEquals(Duration.ofMillis(400), backoff.delay(1, () -> 0.0));
    assertEquals(Duration.ofMillis(600), backoff.delay(1, () -> 1.0));
    assertEquals(Duration.ofMillis(3_200), backoff.delay(4, () -> 0.0));
    assertEquals(Duration.ofSeconds(24), backoff.delay(20, () -> 0.0));
    assertEquals(Duration.ofSeconds(30), backoff.delay(20, () -> 1.0), "capped after jitter");
  }

  @Test
  void aLargeInitialDelayDoesNotOverflow() {
    Backoff hourly = new Backoff(Duration.ofHours(1), Duration.ofHours(1), 0);
    assertEquals(Duration.ofHours(1), hourly.delay(Integer.MAX_VALUE, () -> 0.5));
  }

  @Test
  void nonsenseIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 0.1));
    assertThrows(IllegalArgumentException.class,
        () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0.1));
    assertThrows(IllegalArgumentException.class,
        () -> new Backoff(Duration.ofSeconds(1), Duration.ofHours(2), 0.1));
    assertThrows(IllegalArgumentException.class,
        () -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2), 0.6));
    assertThrows(IllegalArgumentException.class,
        () -> Backoff.DEFAULT.delay(0, () -> 0.5));
  }
}
