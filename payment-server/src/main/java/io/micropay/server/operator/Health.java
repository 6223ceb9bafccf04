package io.micropay.server.operator;

import com.sun.net.httpserver.HttpExchange;
import io.micropay.server.PaymentServer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Kubernetes-style health: {@code /livez} says the process serves, {@code /readyz} that it can do
 * its work: the ledger answers a query within {@link #PROBE_TIMEOUT_MILLIS} and the payment port
 * accepts connections. Each answers 200 or 503 with one line saying why.
 */
final class Health {
  /** How long the ledger has to answer the readiness query. */
  static final long PROBE_TIMEOUT_MILLIS = 2_000;
  /** An account name no certificate can have (names start with a letter): never a real one. */
  private static final String PROBE_ACCOUNT = "-readyz-probe";

  private final PaymentServer payments;
  /** One thread asks the ledger, so a hung database cannot take the endpoint's threads. */
  private final ExecutorService prober = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "operator-readyz");
    thread.setDaemon(true);
    return thread;
  });

  Health(PaymentServer payments) {
    this.payments = payments;
  }

  void live(HttpExchange exchange) throws IOException {
    if (!Exchanges.requireMethod(exchange, "GET", "HEAD")) {
      return;
    }
    Duration up = Duration.between(payments.startedAt(), Instant.now());
    Exchanges.text(exchange, 200, "ok: serving for " + up.toSeconds() + " s");
  }

  void ready(HttpExchange exchange) throws IOException {
    if (!Exchanges.requireMethod(exchange, "GET", "HEAD")) {
      return;
    }
    String problem = problem();
    if (problem == null) {
      Exchanges.text(exchange, 200, "ready: the ledger answers and port " + payments.port()
          + " accepts connections");
    } else {
      Exchanges.text(exchange, 503, "not ready: " + problem);
    }
  }

  /** What keeps the server from being ready, or null. */
  private String problem() {
    if (!payments.isAccepting()) {
      return "the payment port does not accept connections (shutting down?)";
    }
    if (!payments.isReady()) {
      return "the ledger's database is unusable (the ERROR line in the log says why); the "
          + "server reopens it by itself";
    }
    CompletableFuture<Object> probe = CompletableFuture.supplyAsync(
        () -> payments.ledger().balance(PROBE_ACCOUNT), prober);
    try {
      probe.get(PROBE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      return null;
    } catch (TimeoutException e) {
      probe.cancel(true);
      return "the ledger did not answer within " + PROBE_TIMEOUT_MILLIS + " ms";
    } catch (ExecutionException e) {
      return "the ledger does not answer: " + firstLine(e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
