package io.micropay.server.operator;

import com.sun.net.httpserver.HttpExchange;
import io.micropay.protocol.OnlineEntry;
import io.micropay.server.PaymentServer;
import io.micropay.server.ledger.AuditReport;
import io.micropay.server.ledger.LedgerException;
import io.micropay.server.metrics.ServerMetrics.Totals;
import io.micropay.server.session.Presence;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The status page at {@code /}: static HTML, CSS and JavaScript from the jar (no build step),
 * and {@code /status.json}, which the page polls: who is online, the latest transfers, the
 * recent intervals for the chart, the audit, versions and uptime.
 */
final class StatusPage {
  /** Online accounts listed at most; the count is always complete. */
  static final int MAX_ONLINE_SHOWN = 200;
  /** Latest transfers listed. */
  static final int LATEST_TRANSFERS = 20;
  /** An audit reads the whole journal: the page shows one at most this old instead. */
  static final long AUDIT_MAX_AGE_MILLIS = 30_000;
  private static final String RESOURCES = "/io/micropay/server/operator/status/";
  private static final Map<String, String> FILES = Map.of(
      "/", "index.html", "/index.html", "index.html", "/status.css", "status.css",
      "/status.js", "status.js");

  private final PaymentServer payments;
  private final ActivityHistory history;
  private AuditReport audit;
  private long auditNanos;

  StatusPage(PaymentServer payments, ActivityHistory history) {
    this.payments = payments;
    this.history = history;
  }

  void resource(HttpExchange exchange) throws IOException {
    if (!Exchanges.requireMethod(exchange, "GET", "HEAD")) {
      return;
    }
    String file = FILES.get(exchange.getRequestURI().getPath());
    if (file == null) {
      Exchanges.text(exchange, 404, "no such page: " + exchange.getRequestURI().getPath()
          + " (see docs/operations.md for the endpoint's paths)");
      return;
    }
    String body;
    try (InputStream in = StatusPage.class.getResourceAsStream(RESOURCES + file)) {
      if (in == null) {
        throw new IllegalStateException("the jar has no " + RESOURCES + file);
      }
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    exchange.getResponseHeaders().set("Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:");
    Exchanges.send(exchange, 200, contentType(file), body);
  }

  void json(HttpExchange exchange) throws IOException {
    if (!Exchanges.requireMethod(exchange, "GET", "HEAD")) {
      return;
    }
    Json json = new Json().beginObject()
        .field("server", payments.address().getHostString() + ":" + payments.port())
        .field("version", version()).field("java", System.getProperty("java.version"))
        .field("startedAt", payments.startedAt().toString())
        .field("uptimeSeconds", Duration.between(payments.startedAt(), Instant.now())
            .toSeconds())
        .field("sessions", payments.activeSessions())
        .field("connections", payments.openConnections())
        .field("operator", String.valueOf(exchange.getAttribute(OperatorOnly.OPERATOR)));
    online(json);
    totals(json, payments.metrics().totals());
    chart(json);
    try {
      Books.entriesJson(json, payments.transferHistory().latestTransfers(LATEST_TRANSFERS));
      auditField(json);
    } catch (LedgerException e) {
      json.field("ledgerError", e.getMessage());
    }
    Exchanges.json(exchange, 200, json.endObject());
  }

  private void online(Json json) {
    Presence.Snapshot snapshot = payments.presence().snapshot();
    json.field("onlineCount", snapshot.entries().size()).beginArray("online");
    int shown = 0;
    for (OnlineEntry entry : snapshot.entries()) {
      if (shown++ == MAX_ONLINE_SHOWN) {
        break;
      }
      json.beginObject().field("name", entry.name()).field("ip", entry.ip())
          .field("port", entry.port()).endObject();
    }
    json.endArray();
  }

  private static void totals(Json json, Totals totals) {
    json.field("transfersSettled", totals.transfersSettled())
        .field("transfersRefused", totals.transfersRefused())
        .field("unitsMoved", totals.unitsMoved())
        .field("handshakesOk", totals.handshakesOk())
        .field("handshakesFailed", totals.handshakesFailed());
  }

  private void chart(Json json) {
    json.field("intervalSeconds", ActivityHistory.INTERVAL_MILLIS / 1000).beginArray("history");
    for (ActivityHistory.Sample sample : history.samples()) {
      json.beginObject().field("endedAt", sample.endedAt().toString())
          .field("settled", sample.counts().transfersSettled())
          .field("refused", sample.counts().transfersRefused())
          .field("sessions", sample.sessions()).endObject();
    }
    json.endArray();
  }

  private synchronized void auditField(Json json) {
    long now = System.nanoTime();
    if (audit == null || now - auditNanos > AUDIT_MAX_AGE_MILLIS * 1_000_000L) {
      audit = payments.ledger().audit();
      auditNanos = now;
    }
    json.field("auditAgeSeconds", (now - auditNanos) / 1_000_000_000L);
    Books.auditJson(json.beginObject("audit"), audit);
  }

  private static String version() {
    Package own = StatusPage.class.getPackage();
    String version = own == null ? null : own.getImplementationVersion();
    return version == null ? "development build" : version;
  }

  private static String contentType(String file) {
    if (file.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    if (file.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    return "text/html; charset=utf-8";
  }
}
