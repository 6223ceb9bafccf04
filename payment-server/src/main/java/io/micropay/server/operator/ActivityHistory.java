package io.micropay.server.operator;

import io.micropay.server.metrics.ServerMetrics;
import io.micropay.server.metrics.ServerMetrics.Totals;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happened in each interval (10 s in the server): the summary line logged at the default
 * verbosity when anything happened, so the log shows that the server works, and the last
 * {@link #MAX_SAMPLES} intervals for the status page's chart. Sampled by one thread.
 */
public final class ActivityHistory {
  private static final Logger LOG = LoggerFactory.getLogger("io.micropay.server.activity");
  /** The interval the server samples at. */
  public static final long INTERVAL_MILLIS = 10_000;
  /** Intervals kept: ten minutes at 10 s. */
  static final int MAX_SAMPLES = 60;

  /**
   * What one interval saw.
   *
   * @param endedAt when it ended
   * @param counts what was counted during it
   * @param sessions sessions open at its end
   */
  public record Sample(Instant endedAt, Totals counts, int sessions) {
  }

  private final ServerMetrics metrics;
  private final IntSupplier sessions;
  private final IntSupplier connections;
  private final ArrayDeque<Sample> samples = new ArrayDeque<>();
  private Totals previous;

  public ActivityHistory(ServerMetrics metrics, IntSupplier sessions, IntSupplier connections) {
    this.metrics = metrics;
    this.sessions = sessions;
    this.connections = connections;
    this.previous = metrics.totals();
  }

  /** Closes the current interval; logs and returns its summary line when anything happened. */
  public Optional<String> sample() {
    Totals now = metrics.totals();
    Totals counts = now.minus(previous);
    previous = now;
    int open = sessions.getAsInt();
    synchronized (samples) {
      samples.addLast(new Sample(Instant.now(), counts, open));
      while (samples.size() > MAX_SAMPLES) {
        samples.removeFirst();
      }
    }
    if (counts.isEmpty()) {
      return Optional.empty();
    }
    String line = String.format("activity: %d transfers settled (%d units), %d refused, "
            + "%d deposits; handshakes %d ok, %d failed; now %d sessions, %d connections",
        counts.transfersSettled(), counts.unitsMoved(), counts.transfersRefused(),
        counts.deposits(), counts.handshakesOk(), counts.handshakesFailed(), open,
        connections.getAsInt());
    LOG.info(line);
    return Optional.of(line);
  }

  /** The kept intervals, oldest first. */
  public List<Sample> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }
}
