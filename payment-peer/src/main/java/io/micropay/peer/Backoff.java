package io.micropay.peer;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Capped exponential back-off with jitter, for reconnecting to the server: the first retry after
 * {@code initial}, each next one twice as long, never longer than {@code max}, and each delay
 * moved by up to {@code jitter} either way so that peers a server dropped together do not all
 * come back in the same instant.
 *
 * @param initial the delay before the first retry
 * @param max the longest delay
 * @param jitter the largest relative change of a delay, 0 to 0.5
 */
public record Backoff(Duration initial, Duration max, double jitter) {
  /** The longest delay allowed: a peer must come back within the hour. */
  public static final Duration MAX_DELAY = Duration.ofHours(1);
  /** 0.5 s doubling to 30 s, each delay 20% either way. */
  public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30),
      0.2);

  public Backoff {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0
        || max.compareTo(MAX_DELAY) > 0) {
      throw new IllegalArgumentException("back-off delays must be 0 < initial <= max <= 1 h, "
          + "were " + initial + " and " + max);
    }
    if (!(jitter >= 0 && jitter <= 0.5)) {
      throw new IllegalArgumentException("jitter must be 0 to 0.5, was " + jitter);
    }
  }

  /**
   * The delay before retry {@code attempt} (1 for the first), with {@code random} giving a
   * number in [0, 1).
   */
  public Duration delay(int attempt, DoubleSupplier random) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempts count from 1, was " + attempt);
    }
    long maxMillis = max.toMillis();
    long nominalMillis = initial.toMillis();
    // At most about 22 doublings take 1 ms past an hour, so this loop is short.
    for (int retry = 1; retry < attempt && nominalMillis < maxMillis; retry++) {
      nominalMillis *= 2;
    }
    nominalMillis = Math.min(maxMillis, nominalMillis);
    double factor = 1 - jitter + 2 * jitter * random.getAsDouble();
    return Duration.ofMillis(Math.min(maxMillis, Math.round(nominalMillis * factor)));
  }
}
