package io.micropay.server.metrics;

import io.micropay.pki.tls.HandshakeFailure;
import io.micropay.server.transport.TransportEvents;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * What the payment server counts, as Prometheus metrics in a registry of its own (never the
 * client's global default, so two servers in one JVM, as in tests, count apart). Names follow
 * Prometheus conventions: base units, {@code _total} for counters, {@code _seconds} for time;
 * no account names in labels, whose values come from small fixed sets (the protocol's reasons,
 * the handshake classification of {@code pki}). docs/operations.md lists each one.
 *
 * <p>Counters only ever grow and are bumped where the thing happened, after it happened: a
 * transfer when its reply is sent, a handshake when it finished or failed.
 */
public final class ServerMetrics implements TransportEvents {
  /** Upper bounds of the transfer time histogram, in seconds: 0.5 ms to 5 s. */
  private static final double[] TRANSFER_SECONDS_BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01,
      0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
  /** Upper bounds of the batch size histogram: 1 to the ledger's largest batch. */
  private static final double[] BATCH_SIZE_BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter transfers = Counter.builder().name("micropay_transfers_total")
      .help("Transfer reports answered, by result (settled, refused, error) and reason: for "
          + "settled 'new' or 'already_settled', for refused the protocol's failure reason")
      .labelNames("result", "reason").register(registry);
  private final Counter transferUnits = Counter.builder().name("micropay_transfer_units_total")
      .help("Units moved by newly settled transfers").register(registry);
  private final Histogram transferSeconds = Histogram.builder()
      .name("micropay_transfer_seconds")
      .help("Time from a transfer report's arrival to its reply being queued, in seconds")
      .classicOnly().classicUpperBounds(TRANSFER_SECONDS_BUCKETS).register(registry);
  private final Histogram batchSize = Histogram.builder().name("micropay_settlement_batch_size")
      .help("Transfers settled together in one ledger transaction (group commit)")
      .classicOnly().classicUpperBounds(BATCH_SIZE_BUCKETS).register(registry);
  private final Counter handshakes = Counter.builder().name("micropay_handshakes_total")
      .help("TLS handshakes on the payment port, by result (ok, failed) and reason: for ok "
          + "'full' or 'resumed', for failed the reason pki's handshake classification gives")
      .labelNames("result", "reason").register(registry);
  private final Counter requests = Counter.builder().name("micropay_requests_total")
      .help("Requests received in sessions, by request type ('malformed' for those refused "
          + "before parsing finished)").labelNames("request").register(registry);
  private final Counter refusals = Counter.builder().name("micropay_refusals_total")
      .help("Requests and connections refused, by reason (every transfer refusal also counts "
          + "in micropay_transfers_total)").labelNames("reason").register(registry);
  private final Counter deposits = Counter.builder().name("micropay_deposits_total")
      .help("Deposits answered, by result (ok, refused)").labelNames("result")
      .register(registry);
  private final Counter depositUnits = Counter.builder().name("micropay_deposit_units_total")
      .help("Units credited by deposits").register(registry);
  private final Counter connectionsOpened = Counter.builder()
      .name("micropay_connections_opened_total")
      .help("TCP connections accepted on the payment port").register(registry);
  private final Counter transportErrors = Counter.builder()
      .name("micropay_transport_errors_total")
      .help("Connections closed by a broken invariant in the transport (a bug: the log holds "
          + "its stack trace); 0 when all is well").register(registry);

  public ServerMetrics() {
    JvmMetrics.builder().register(registry);
  }

  /** The registry, for the scrape handler. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** Publishes the sessions and connections open now, read at each scrape. */
  public void watch(IntSupplier sessions, IntSupplier connections) {
    GaugeWithCallback.builder().name("micropay_sessions")
        .help("Sessions logged in now").callback(gauge -> gauge.call(sessions.getAsInt()))
        .register(registry);
    GaugeWithCallback.builder().name("micropay_connections")
        .help("TCP connections open now on the payment port, in the handshake or in a session")
        .callback(gauge -> gauge.call(connections.getAsInt())).register(registry);
  }

  /** A transfer settled (or had been, under the same id) and its reply was queued. */
  public void transferSettled(boolean alreadySettled, long amountUnits, long startNanos) {
    transfers.labelValues("settled", alreadySettled ? "already_settled" : "new").inc();
    if (!alreadySettled) {
      transferUnits.inc(amountUnits);
    }
    transferSeconds.observe(secondsSince(startNanos));
  }

  /** A transfer was refused with the protocol's {@code reason} and its reply was queued. */
  public void transferRefused(Enum<?> reason, long startNanos) {
    String label = label(reason);
    transfers.labelValues("refused", label).inc();
    refusals.labelValues(label).inc();
    transferSeconds.observe(secondsSince(startNanos));
  }

  /** A transfer could not be settled at all (the ledger failed); its session was ended. */
  public void transferFailed(long startNanos) {
    transfers.labelValues("error", "ledger").inc();
    transferSeconds.observe(secondsSince(startNanos));
  }

  /** One group commit settled {@code size} transfers. */
  public void batchSettled(int size) {
    batchSize.observe(size);
  }

  /** A request of {@code type} arrived (register, login, transfer, ...). */
  public void request(String type) {
    requests.labelValues(type).inc();
  }

  /** A request or connection was refused for {@code reason} (not a transfer). */
  public void refused(String reason) {
    refusals.labelValues(reason).inc();
  }

  /** A deposit was answered. */
  public void deposit(boolean credited, long amountUnits) {
    deposits.labelValues(credited ? "ok" : "refused").inc();
    if (credited) {
      depositUnits.inc(amountUnits);
    } else {
      refusals.labelValues("deposit").inc();
    }
  }

  @Override
  public void connectionOpened() {
    connectionsOpened.inc();
  }

  @Override
  public void internalError() {
    transportErrors.inc();
  }

  @Override
  public void handshakeFinished(boolean resumed) {
    handshakes.labelValues("ok", resumed ? "resumed" : "full").inc();
  }

  @Override
  public void handshakeFailed(HandshakeFailure.Reason reason) {
    handshakes.labelValues("failed", reason.label()).inc();
  }

  /** A snapshot of the totals, for the summary line and the status page. */
  public Totals totals() {
    return new Totals(sum(transfers, "settled"), sum(transfers, "refused"),
        (long) transferUnits.get(), sum(handshakes, "ok"), sum(handshakes, "failed"),
        (long) deposits.labelValues("ok").get());
  }

  /**
   * Running totals since start.
   *
   * @param transfersSettled transfers answered OK
   * @param transfersRefused transfers refused
   * @param unitsMoved units moved by new settlements
   * @param handshakesOk handshakes that finished
   * @param handshakesFailed handshakes that failed
   * @param deposits deposits credited
   */
  public record Totals(long transfersSettled, long transfersRefused, long unitsMoved,
      long handshakesOk, long handshakesFailed, long deposits) {
    /** What happened since {@code earlier}. */
    public Totals minus(Totals earlier) {
      return new Totals(transfersSettled - earlier.transfersSettled,
          transfersRefused - earlier.transfersRefused, unitsMoved - earlier.unitsMoved,
          handshakesOk - earlier.handshakesOk, handshakesFailed - earlier.handshakesFailed,
          deposits - earlier.deposits);
    }

    /** Whether anything at all is counted. */
    public boolean isEmpty() {
      return equals(new Totals(0, 0, 0, 0, 0, 0));
    }
  }

  private static long sum(Counter counter, String result) {
    return (long) counter.collect().getDataPoints().stream()
        .filter(point -> result.equals(point.getLabels().get("result")))
        .mapToDouble(point -> point.getValue()).sum();
  }

  private static String label(Enum<?> reason) {
    return reason.name().toLowerCase(Locale.ROOT);
  }

  private static double secondsSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
