package io.micropay.pki.service;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.micropay.pki.CaUrls;
import io.micropay.pki.CertificateAuthority;
import io.micropay.pki.tls.CaServiceTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CA as a network service ({@code pki serve}), on the JDK's own HTTP server: HTTPS for
 * enrollment, renewal and revocation, plain HTTP for OCSP and the CRL ({@link Endpoints}). The
 * JDK server's limits are set before it first loads, unless the operator set them: at most
 * {@link #MAX_CONNECTIONS} connections, {@link #MAX_REQUEST_SECONDS} s to send a request (TLS
 * handshake and headers included) and as long to take the answer, 64 headers of 8 KiB in all.
 */
public final class CaService implements AutoCloseable {
  /** Connections open at once, over both ports. */
  public static final int MAX_CONNECTIONS = 256;
  /** Seconds a client has to send its request, and to read the answer. */
  public static final int MAX_REQUEST_SECONDS = 10;
  private static final int THREADS = 4;
  private static final int BACKLOG = 64;
  private static final Logger LOG = LoggerFactory.getLogger(CaService.class);

  static {
    setIfAbsent("sun.net.httpserver.maxConnections", MAX_CONNECTIONS);
    setIfAbsent("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
    setIfAbsent("sun.net.httpserver.maxRspTime", MAX_REQUEST_SECONDS);
    setIfAbsent("sun.net.httpserver.maxReqHeaders", 64);
    setIfAbsent("sun.net.httpserver.maxReqHeaderSize", 8 * 1024);
    setIfAbsent("sun.net.httpserver.idleInterval", 30);
  }

  private final HttpsServer https;
  private final HttpServer http;
  private final ThreadPoolExecutor workers;
  private final ScheduledExecutorService upkeep;
  private final RequestGate gate;
  private final Exchanges exchanges;
  private final CaUrls urls;

  private CaService(HttpsServer https, HttpServer http, ThreadPoolExecutor workers,
      ScheduledExecutorService upkeep, RequestGate gate, Exchanges exchanges, CaUrls urls) {
    this.https = https;
    this.http = http;
    this.workers = workers;
    this.upkeep = upkeep;
    this.gate = gate;
    this.exchanges = exchanges;
    this.urls = urls;
  }

  /**
   * Starts the service of {@code ca}; returns once both ports listen. The OCSP and CRL URLs it
   * publishes are written into the CA folder first, so every certificate issued from then on,
   * the service's own included, names them.
   */
  public static CaService start(CertificateAuthority ca, ServiceConfig config, Clock clock)
      throws IOException {
    RequestGate gate = new RequestGate(config.requestsPerSecond(), config.maxTokenFailures(),
        ServiceConfig.TOKEN_FAILURE_WINDOW, System::nanoTime);
    Exchanges exchanges = new Exchanges(gate);
    ThreadPoolExecutor workers = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(2 * MAX_CONNECTIONS), named("ca-service"));
    HttpServer http = HttpServer.create(new InetSocketAddress(config.bind(),
        config.httpPort()), BACKLOG);
    CaUrls urls = CaUrls.forService(config.host(), http.getAddress().getPort());
    urls.write(ca.layout().caUrls());
    ServiceIdentity identity = ServiceIdentity.loadOrIssue(ca, config, clock);
    Endpoints endpoints = new Endpoints(ca, config, clock);
    http.createContext("/crl", exchanges.handler("/crl", false, Set.of("GET"),
        endpoints::crl));
    http.createContext("/ocsp", exchanges.handler("/ocsp", true, Set.of("GET", "POST"),
        endpoints::ocsp));
    HttpsServer https = HttpsServer.create(new InetSocketAddress(config.bind(),
        config.httpsPort()), BACKLOG);
    CaServiceTls tls = CaServiceTls.create(identity.keyManager(), ca.caCertificate());
    https.setHttpsConfigurator(new HttpsConfigurator(tls.context()) {
      @Override
      public void configure(HttpsParameters parameters) {
        parameters.setSSLParameters(tls.parameters());
      }
    });
    https.createContext("/enroll", exchanges.handler("/enroll", false, Set.of("POST"),
        call -> endpoints.enroll(call, gate)));
    https.createContext("/renew", exchanges.handler("/renew", false, Set.of("POST"),
        endpoints::renew));
    https.createContext("/revoke", exchanges.handler("/revoke", false, Set.of("POST"),
        endpoints::revoke));
    ScheduledExecutorService upkeep = Executors.newSingleThreadScheduledExecutor(
        named("ca-upkeep"));
    CaService service = new CaService(https, http, workers, upkeep, gate, exchanges, urls);
    http.createContext("/metrics", exchanges.handler("/metrics", false, Set.of("GET"),
        call -> service.metrics()));
    for (HttpServer server : new HttpServer[] {http, https}) {
      server.createContext("/", exchanges.handler("/", false, Set.of("GET"),
          call -> Call.Answer.text(404, "nothing here; see docs/pki.md for the CA's URLs")));
      server.setExecutor(workers);
      server.start();
    }
    long intervalMillis = identity.upkeepInterval().toMillis();
    upkeep.scheduleWithFixedDelay(identity::upkeep, intervalMillis, intervalMillis,
        TimeUnit.MILLISECONDS);
    LOG.info("CA service of {}: enroll, renew, revoke at {}; OCSP {}; CRL {}; issuing for {}",
        ca.caCertificate().getSubjectX500Principal().getName(), service.serviceUrl(),
        urls.ocsp(), urls.crl(), config.lifetime());
    return service;
  }

  /** Where peers enroll, renew and revoke: {@code https://<host>:<port>}. */
  public URI serviceUrl() {
    String host = urls.ocsp().getHost();
    return URI.create("https://" + host + ":" + https.getAddress().getPort());
  }

  /** The OCSP and CRL URLs written into the certificates. */
  public CaUrls urls() {
    return urls;
  }

  /** The HTTPS port. */
  public int httpsPort() {
    return https.getAddress().getPort();
  }

  /** The plain HTTP port. */
  public int httpPort() {
    return http.getAddress().getPort();
  }

  /** Refused requests so far, by reason (lower-case words). */
  public Map<String, Long> refusals() {
    Map<String, Long> counts = new java.util.TreeMap<>();
    gate.refusals().forEach((reason, count) -> counts.put(
        reason.name().toLowerCase(java.util.Locale.ROOT), count));
    return counts;
  }

  /** Stops both ports (requests in progress get a second to finish) and the upkeep. */
  @Override
  public void close() {
    upkeep.shutdownNow();
    https.stop(1);
    http.stop(1);
    workers.shutdownNow();
    LOG.info("CA service stopped");
  }

  private Call.Answer metrics() {
    StringBuilder text = new StringBuilder("# micropay CA service\n");
    exchanges.served().forEach((endpoint, count) -> text.append(
        "micropay_ca_requests_total{endpoint=\"").append(endpoint).append("\"} ")
        .append(count).append('\n'));
    refusals().forEach((reason, count) -> text.append("micropay_ca_refused_total{reason=\"")
        .append(reason).append("\"} ").append(count).append('\n'));
    return new Call.Answer(200, "text/plain; version=0.0.4",
        text.toString().getBytes(StandardCharsets.US_ASCII));
  }

  private static void setIfAbsent(String property, int value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, Integer.toString(value));
    }
  }

  private static java.util.concurrent.ThreadFactory named(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
