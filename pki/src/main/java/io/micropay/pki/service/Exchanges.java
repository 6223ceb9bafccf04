package io.micropay.pki.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsExchange;
import io.micropay.pki.Enrollments.RefusedTokenException;
import io.micropay.pki.PkiException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handling every request of the CA service gets, before and after its endpoint: the rate
 * limit of its address, the method, the size of its body (refused unread when its length says
 * it is too large, cut off at the limit when it does not say), and the answer to a refusal: an
 * HTTP status and one line of text, counted and logged by the {@link RequestGate}. Anything else
 * that goes wrong is a bug: 500, and the stack trace in the log.
 */
final class Exchanges {
  /** The largest request body read, in bytes: a CSR or an OCSP request is far smaller. */
  static final int MAX_BODY_BYTES = 16 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(Exchanges.class);

  private final RequestGate gate;
  private final Map<String, LongAdder> served = new ConcurrentHashMap<>();

  Exchanges(RequestGate gate) {
    this.gate = gate;
  }

  /** What an endpoint does with a call. */
  @FunctionalInterface
  interface Endpoint {
    Call.Answer serve(Call call) throws IOException;
  }

  /**
   * A handler for {@code endpoint} at {@code path} (and below it when {@code subPaths}), which
   * accepts {@code methods}.
   */
  HttpHandler handler(String path, boolean subPaths, Set<String> methods, Endpoint endpoint) {
    String name = path.equals("/") ? "other" : path.substring(1);
    served.putIfAbsent(name, new LongAdder());
    return exchange -> {
      try (exchange) {
        String asked = exchange.getRequestURI().getPath();
        if (!asked.equals(path) && !(subPaths && asked.startsWith(path + "/"))) {
          send(exchange, Call.Answer.text(404, "nothing at " + Printable.path(asked)));
          return;
        }
        served.get(name).increment();
        send(exchange, answer(exchange, name, methods, endpoint));
      } catch (IOException e) {
        LOG.debug("{}: the client went away: {}", name, e.getMessage());
      }
    };
  }

  /** Requests served by endpoint name. */
  Map<String, Long> served() {
    Map<String, Long> counts = new java.util.TreeMap<>();
    served.forEach((name, count) -> counts.put(name, count.sum()));
    return counts;
  }

  private Call.Answer answer(HttpExchange exchange, String name, Set<String> methods,
      Endpoint endpoint) throws IOException {
    InetAddress address = exchange.getRemoteAddress().getAddress();
    if (!gate.admit(address, name)) {
      return Call.Answer.text(429, "too many requests from " + address.getHostAddress()
          + "; slow down");
    }
    try {
      if (!methods.contains(exchange.getRequestMethod())) {
        throw new Refused(405, RequestGate.Reason.BAD_REQUEST, name + " takes "
            + String.join(" or ", methods) + ", not " + exchange.getRequestMethod());
      }
      Call call = new Call(address, exchange.getRequestMethod(),
          exchange.getRequestURI().getPath(), exchange.getRequestHeaders(), body(exchange),
          clientCertificate(exchange));
      return endpoint.serve(call);
    } catch (Refused e) {
      gate.refuse(e.reason(), address, name + ": " + e.getMessage());
      return Call.Answer.text(e.status(), e.getMessage());
    } catch (RefusedTokenException e) {
      gate.tokenRefused(address, name + ": " + e.getMessage());
      return Call.Answer.text(403, e.getMessage());
    } catch (PkiException e) {
      gate.refuse(RequestGate.Reason.CERTIFICATE, address, name + ": " + e.getMessage());
      return Call.Answer.text(403, e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("{} from {} failed", name, address.getHostAddress(), e);
      return Call.Answer.text(500, "internal error in the CA service; its log says more");
    }
  }

  /** Paths echoed in answers, cut short and without control characters. */
  private static final class Printable {
    static String path(String path) {
      String cut = path.length() > 64 ? path.substring(0, 64) + "..." : path;
      return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
  }

  private static byte[] body(HttpExchange exchange) throws IOException {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null && (!length.matches("\\d{1,9}")
        || Long.parseLong(length) > MAX_BODY_BYTES)) {
      throw tooLarge();
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) {
        throw tooLarge();
      }
      return body;
    }
  }

  private static Refused tooLarge() {
    return new Refused(413, RequestGate.Reason.SIZE, "the request is larger than "
        + MAX_BODY_BYTES + " bytes");
  }

  private static Optional<X509Certificate> clientCertificate(HttpExchange exchange) {
    if (!(exchange instanceof HttpsExchange secure)) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = secure.getSSLSession().getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate leaf
          ? Optional.of(leaf) : Optional.empty();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }

  private static void send(HttpExchange exchange, Call.Answer answer) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", answer.contentType());
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    answer.headers().forEach(exchange.getResponseHeaders()::set);
    if (answer.status() == 304) {
      exchange.sendResponseHeaders(304, -1);
      return;
    }
    exchange.sendResponseHeaders(answer.status(), answer.body().length);
    exchange.getResponseBody().write(answer.body());
  }
}
