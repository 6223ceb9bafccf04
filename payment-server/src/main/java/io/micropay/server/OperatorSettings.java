package io.micropay.server;

import java.util.OptionalInt;

/**
 * The operator side of the server: where its operator endpoint listens (on the --bind address),
 * if it has one, and how often the activity summary line is logged.
 *
 * @param port the endpoint's port (0: any free one), empty for no endpoint
 * @param portRequired whether a port that cannot be bound stops the server; when false (the
 *     port was not asked for, only derived from --port) the server warns and runs without
 * @param summaryIntervalMillis the interval of the activity summary (10 s in production)
 */
public record OperatorSettings(OptionalInt port, boolean portRequired,
    long summaryIntervalMillis) {
  /** No operator endpoint; the summary every 10 s. */
  public static final OperatorSettings OFF = new OperatorSettings(OptionalInt.empty(), true,
      io.micropay.server.operator.ActivityHistory.INTERVAL_MILLIS);

  public OperatorSettings {
    if (port.isPresent() && (port.getAsInt() < 0 || port.getAsInt() > 65_535)) {
      throw new IllegalArgumentException("operator port must be 0..65535, was "
          + port.getAsInt());
    }
    if (summaryIntervalMillis < 100) {
      throw new IllegalArgumentException("the summary interval must be at least 100 ms, was "
          + summaryIntervalMillis);
    }
  }

  /** An endpoint on {@code port}, the summary every 10 s. */
  public static OperatorSettings onPort(int port) {
    return new OperatorSettings(OptionalInt.of(port), true, OFF.summaryIntervalMillis());
  }

  /** For the start-up log. */
  String describe() {
    return "operatorPort=" + (port.isPresent() ? Integer.toString(port.getAsInt()) : "off");
  }
}
