package io.micropay.server.operator;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.micropay.pki.TlsFactory;
import io.micropay.server.PaymentServer;
import io.micropay.server.ledger.LedgerException;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The payment server's operator endpoint: HTTPS on the JDK's server, from the same TLS factory
 * as the payment port, with a client certificate required and only the operator role admitted
 * ({@link OperatorOnly}). It serves Prometheus metrics, health, the live books, online backup
 * and the status page; docs/operations.md lists every path.
 */
public final class OperatorEndpoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorEndpoint.class);
  /** Threads answering requests: an operator, a scraper and a browser at once are plenty. */
  private static final int THREADS = 4;
  /** Requests waiting for a thread before more are refused. */
  private static final int QUEUED_REQUESTS = 64;
  /** TCP connections the kernel queues for accept. */
  private static final int BACKLOG = 64;
  /** Seconds the JDK server gives a request to arrive, and a response to be sent. */
  private static final String MAX_REQUEST_SECONDS = "10";
  private static final String MAX_RESPONSE_SECONDS = "600";

  private final HttpsServer server;
  private final ThreadPoolExecutor executor;

  private OperatorEndpoint(HttpsServer server, ThreadPoolExecutor executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Binds {@code address} (port 0: any free port) and serves {@code payments}. */
  public static OperatorEndpoint start(InetSocketAddress address, PaymentServer payments,
      ActivityHistory history) throws IOException {
    limitJdkServerTimes();
    TlsFactory tls = payments.tls();
    HttpsServer server = HttpsServer.create(address, BACKLOG);
    server.setHttpsConfigurator(new HttpsConfigurator(tls.operatorEndpointContext()) {
      @Override
      public void configure(HttpsParameters parameters) {
        parameters.setSSLParameters(tls.operatorEndpointParameters());
      }
    });
    ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(QUEUED_REQUESTS), named(), new ThreadPoolExecutor.AbortPolicy());
    server.setExecutor(executor);
    OperatorOnly operatorOnly = new OperatorOnly(tls);
    Health health = new Health(payments);
    Books books = new Books(payments);
    StatusPage status = new StatusPage(payments, history);
    add(server, operatorOnly, "/metrics", new MetricsHandler(payments.metrics().registry()));
    add(server, operatorOnly, "/livez", guarded(health::live));
    add(server, operatorOnly, "/readyz", guarded(health::ready));
    add(server, operatorOnly, "/accounts", guarded(books::accounts));
    add(server, operatorOnly, "/audit", guarded(books::audit));
    add(server, operatorOnly, "/transfers", guarded(books::transfers));
    add(server, operatorOnly, "/backup", guarded(books::backup));
    add(server, operatorOnly, "/status.json", guarded(status::json));
    add(server, operatorOnly, "/", guarded(status::resource));
    server.start();
    return new OperatorEndpoint(server, executor);
  }

  /** The address bound. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static void add(HttpsServer server, OperatorOnly filter, String path,
      HttpHandler handler) {
    HttpContext context = server.createContext(path, handler);
    context.getFilters().add(filter);
  }

  /** What a handler does; it may throw, and the wrapper answers the failure. */
  interface Action {
    void handle(HttpExchange exchange) throws IOException;
  }

  /** Bad input answers 400, an unreachable ledger 503, anything else 500 and an ERROR log. */
  private static HttpHandler guarded(Action action) {
    return exchange -> {
      try {
        action.handle(exchange);
      } catch (IllegalArgumentException e) {
        Exchanges.text(exchange, 400, "bad request: " + e.getMessage());
      } catch (LedgerException e) {
        Exchanges.text(exchange, 503, "the ledger cannot answer: " + e.getMessage());
      } catch (IOException e) {
        LOG.debug("operator endpoint: {} failed: {}", exchange.getRequestURI(), e.getMessage());
        exchange.close();
      } catch (RuntimeException e) {
        LOG.error("operator endpoint: {} failed", exchange.getRequestURI(), e);
        Exchanges.text(exchange, 500, "internal error: " + e);
      }
    };
  }

  /**
   * The JDK server waits for a slow request forever unless told otherwise; these properties are
   * read when its first server is made. An operator's own -D settings win.
   */
  private static void limitJdkServerTimes() {
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
      System.setProperty("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
    }
    if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
      System.setProperty("sun.net.httpserver.maxRspTime", MAX_RESPONSE_SECONDS);
    }
  }

  private static java.util.concurrent.ThreadFactory named() {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "operator-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
