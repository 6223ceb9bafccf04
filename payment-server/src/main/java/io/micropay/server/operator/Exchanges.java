package io.micropay.server.operator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/** Writing answers and reading query strings on the operator endpoint, with limits. */
final class Exchanges {
  /** The longest query string read; anything longer is refused. */
  static final int MAX_QUERY_CHARS = 512;
  /** The most bytes of a request body read (the backup folder). */
  static final int MAX_BODY_BYTES = 4096;

  private Exchanges() {
  }

  static void json(HttpExchange exchange, int status, Json body) throws IOException {
    send(exchange, status, "application/json; charset=utf-8", body.toString());
  }

  static void text(HttpExchange exchange, int status, String body) throws IOException {
    send(exchange, status, "text/plain; charset=utf-8", body.endsWith("\n") ? body : body + "\n");
  }

  static void send(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
    exchange.close();
  }

  /** True when the method is one of {@code allowed}; otherwise answers 405 and returns false. */
  static boolean requireMethod(HttpExchange exchange, String... allowed) throws IOException {
    for (String method : allowed) {
      if (method.equals(exchange.getRequestMethod())) {
        return true;
      }
    }
    exchange.getResponseHeaders().set("Allow", String.join(", ", allowed));
    text(exchange, 405, "method " + exchange.getRequestMethod() + " not allowed here; use "
        + String.join(" or ", allowed));
    return false;
  }

  /**
   * The query's parameters (the last of each name wins).
   *
   * @throws IllegalArgumentException when the query is longer than {@link #MAX_QUERY_CHARS}
   */
  static Map<String, String> query(HttpExchange exchange) {
    String raw = exchange.getRequestURI().getRawQuery();
    Map<String, String> parameters = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return parameters;
    }
    if (raw.length() > MAX_QUERY_CHARS) {
      throw new IllegalArgumentException("the query is " + raw.length()
          + " characters long; the limit is " + MAX_QUERY_CHARS);
    }
    for (String pair : raw.split("&")) {
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      parameters.put(URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return parameters;
  }

  /** An integer parameter within {@code min..max}, empty when absent. */
  static OptionalInt intParameter(Map<String, String> query, String name, int min, int max) {
    String value = query.get(name);
    if (value == null) {
      return OptionalInt.empty();
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min && parsed <= max) {
        return OptionalInt.of(parsed);
      }
    } catch (NumberFormatException e) {
      // Falls through to the message below.
    }
    throw new IllegalArgumentException(name + " must be a whole number " + min + ".." + max
        + ", was '" + value + "'");
  }

  /** The request body as text, at most {@link #MAX_BODY_BYTES}. */
  static String body(HttpExchange exchange) throws IOException {
    byte[] bytes = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
    if (bytes.length > MAX_BODY_BYTES) {
      throw new IllegalArgumentException("the request body is over " + MAX_BODY_BYTES
          + " bytes");
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
