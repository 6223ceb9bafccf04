package io.micropay.loadgen;

import io.micropay.pki.TlsFactory;
import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLSocket;

/**
 * TLS for thousands of simulated peers in one process, through the product's own TLS factory:
 * each peer is a {@link TlsFactory#forIdentity} of one factory, so it connects exactly as a real
 * peer does (protocols, suites, trust and host checks, engine), with a session cache of its own,
 * made on first use. Sessions are cached by host and port, not by identity, so peers sharing one
 * cache would resume each other's sessions and speak as each other.
 */
final class BulkClients {
  private final TlsFactory base;
  private final List<X509Certificate> certificates;
  private final PrivateKey key;
  private final Map<Integer, TlsFactory> peers = new ConcurrentHashMap<>();

  /**
   * @param base a factory of this deployment whose CA, CRL, engine and ALPN names every
   *     simulated peer shares
   * @param certificates the peers' certificates, all for {@code key}
   */
  BulkClients(TlsFactory base, List<X509Certificate> certificates, PrivateKey key) {
    this.base = base;
    this.certificates = certificates;
    this.key = key;
  }

  /**
   * Connects to 127.0.0.1:{@code port} as peer number {@code index} and shakes hands, resuming
   * this peer's last session when the server allows it.
   */
  SSLSocket connect(int port, int index, int timeoutMillis) throws IOException {
    SSLSocket socket = peer(index).connectToServer("127.0.0.1", port, timeoutMillis);
    socket.setSoTimeout(timeoutMillis);
    return socket;
  }

  /** As {@link #connect}, after dropping this peer's sessions: always a full handshake. */
  SSLSocket connectFresh(int port, int index, int timeoutMillis) throws IOException {
    peer(index).forgetSessions();
    return connect(port, index, timeoutMillis);
  }

  /** Whether {@code socket}, peer {@code index}'s, resumed a session instead of a full handshake. */
  boolean resumed(int index, SSLSocket socket) {
    return peer(index).isResumed(socket);
  }

  private TlsFactory peer(int index) {
    return peers.computeIfAbsent(index,
        number -> base.forIdentity(List.of(certificates.get(number)), key));
  }
}
