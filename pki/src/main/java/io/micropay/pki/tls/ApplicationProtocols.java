package io.micropay.pki.tls;

import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which TLS ALPN names an endpoint speaks, and how a server picks one (PROTOCOL.md section 7).
 * The TLS layer knows nothing of what the names mean: the application gives them, newest first,
 * with the prefix its family of names shares. A server picks the first of its names the client
 * offers. A client that offers no name of the family (or no ALPN at all) gets no name, which
 * means the original protocol. A client offering names of the family but none of ours asks for a
 * version this endpoint does not speak: its handshake fails with {@code no_application_protocol},
 * and the refusal is logged with the names it offered. BoringSSL's engine cannot fail a handshake
 * from its selector, so a server asks {@link ClientHelloAlpn} first, and a refusal its selector
 * saw anyway is acted on right after the handshake ({@link Selection}).
 *
 * @param names the names spoken, newest first; empty for an endpoint without ALPN
 * @param family the prefix every name of the family starts with, say {@code "micropay/"}
 */
public record ApplicationProtocols(List<String> names, String family) {
  private static final Logger LOG = LoggerFactory.getLogger(ApplicationProtocols.class);
  /** Offered names quoted in a refusal at most: a client may send a long list. */
  private static final int MAX_LOGGED_NAMES = 16;

  /** No ALPN: offers nothing, selects nothing. */
  public static final ApplicationProtocols NONE = new ApplicationProtocols(List.of(), "");

  public ApplicationProtocols {
    names = List.copyOf(names);
    Objects.requireNonNull(family, "family");
    for (String name : names) {
      if (!name.startsWith(family)) {
        throw new IllegalArgumentException("ALPN name '" + name + "' is not of the family '"
            + family + "'");
      }
    }
  }

  /**
   * The name to agree on when a client offers {@code offered}: one of ours, the empty string for
   * none (the original protocol), or null to refuse the handshake.
   */
  public String select(List<String> offered, String client) {
    for (String name : names) {
      if (offered.contains(name)) {
        return name;
      }
    }
    if (!family.isEmpty() && offered.stream().anyMatch(name -> name.startsWith(family))) {
      LOG.warn("refused the TLS handshake of {}: it offered ALPN {}, none of the versions this "
          + "endpoint speaks ({}, or the first version without ALPN)", client,
          offered.subList(0, Math.min(offered.size(), MAX_LOGGED_NAMES)), names);
      return null;
    }
    return "";
  }

  /**
   * Makes {@code engine}, a server's, select by {@link #select}; the selection says after the
   * handshake whether the client's offer was refused.
   */
  public Selection selectFor(SSLEngine engine) {
    Selection selection = new Selection();
    if (!names.isEmpty()) {
      engine.setHandshakeApplicationProtocolSelector((SSLEngine e, List<String> offered) ->
          selection.record(offered, select(offered, e.getPeerHost() + ":" + e.getPeerPort())));
    }
    return selection;
  }

  /** As above, for {@code socket}, accepted by a server socket. */
  public Selection selectFor(SSLSocket socket) {
    Selection selection = new Selection();
    if (!names.isEmpty()) {
      socket.setHandshakeApplicationProtocolSelector((SSLSocket s, List<String> offered) ->
          selection.record(offered, select(offered, String.valueOf(s.getRemoteSocketAddress()))));
    }
    return selection;
  }

  /**
   * What a server's selector decided in one handshake. The JDK's engine fails a handshake whose
   * offer was refused; BoringSSL's goes on without a name, and then this says it was refused.
   */
  public static final class Selection {
    private volatile List<String> refusedOffer;

    private String record(List<String> offered, String selected) {
      if (selected == null) {
        refusedOffer = List.copyOf(offered.subList(0, Math.min(offered.size(),
            MAX_LOGGED_NAMES)));
      }
      return selected;
    }

    /**
     * Throws what the JDK's engine would have thrown when the client's offer was refused: the
     * caller closes the connection, as a failed handshake.
     */
    public void requireAccepted() throws SSLHandshakeException {
      List<String> refused = refusedOffer;
      if (refused != null) {
        throw new SSLHandshakeException("no_application_protocol: the client offered ALPN "
            + refused + ", none of the versions this endpoint speaks");
      }
    }
  }
}
