package io.micropay.server.operator;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import io.micropay.pki.PeerIdentity;
import io.micropay.pki.Role;
import io.micropay.pki.TlsFactory;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a request only from an operator. The handshake already required an operator
 * certificate of this CA ({@link TlsFactory#operatorEndpointContext}); this checks it again
 * for every request, because a resumed TLS session skips the trust manager and may outlive a
 * revocation, and because a second check of the role costs nothing.
 */
final class OperatorOnly extends Filter {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorOnly.class);
  /** The exchange attribute holding the operator's name. */
  static final String OPERATOR = "micropay.operator";

  private final TlsFactory tls;

  OperatorOnly(TlsFactory tls) {
    this.tls = tls;
  }

  @Override
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    PeerIdentity identity;
    try {
      identity = tls.authenticate(((HttpsExchange) exchange).getSSLSession());
    } catch (SSLException e) {
      LOG.warn("operator endpoint: refused {} from {}: {}", exchange.getRequestURI().getPath(),
          exchange.getRemoteAddress(), e.getMessage());
      Exchanges.text(exchange, 403, "refused: " + e.getMessage());
      return;
    }
    if (identity.role() != Role.OPERATOR) {
      LOG.warn("operator endpoint: refused {} from {}: '{}' is a {} certificate",
          exchange.getRequestURI().getPath(), exchange.getRemoteAddress(),
          identity.accountName(), identity.role().organisationalUnit());
      Exchanges.text(exchange, 403, "refused: an operator certificate is required");
      return;
    }
    exchange.setAttribute(OPERATOR, identity.accountName());
    chain.doFilter(exchange);
  }

  @Override
  public String description() {
    return "admits operator certificates only";
  }
}
