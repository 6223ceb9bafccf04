package io.micropay.loadgen;

import io.micropay.pki.tls.FixedIdentityKeyManager;
import io.micropay.pki.tls.TlsPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for thousands of simulated peers in one process. Each peer gets its own small SSLContext,
 * made on first use: a client session cache is keyed by host and port, not by identity, so
 * peers sharing one context would resume each other's sessions and speak as each other. The
 * trust side is shared: the server's certificate is checked against the CA and the host, with
 * micropay's protocol policy.
 */
final class BulkClients {
  private final List<X509Certificate> certificates;
  private final PrivateKey key;
  private final TrustManager[] trust;
  private final SecureRandom random = new SecureRandom();
  private final Map<Integer, SSLContext> contexts = new ConcurrentHashMap<>();

  BulkClients(X509Certificate ca, List<X509Certificate> certificates, PrivateKey key) {
    this.certificates = certificates;
    this.key = key;
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("ca", ca);
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(store);
      this.trust = factory.getTrustManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the bench clients' trust", e);
    }
  }

  /**
   * Connects to 127.0.0.1:{@code port} as peer number {@code index} and shakes hands, resuming
   * this peer's last session when the server allows it.
   */
  SSLSocket connect(int port, int index, int timeoutMillis) throws IOException {
    return connect(context(index), port, timeoutMillis);
  }

  /**
   * As {@link #connect}, but always a full handshake: a new context has no session to resume.
   */
  SSLSocket connectFresh(int port, int index, int timeoutMillis) throws IOException {
    return connect(newContext(index), port, timeoutMillis);
  }

  private static SSLSocket connect(SSLContext context, int port, int timeoutMillis)
      throws IOException {
    Socket plain = new Socket();
    plain.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
    plain.setTcpNoDelay(true);
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain,
        "127.0.0.1", port, true);
    SSLParameters parameters = new SSLParameters();
    parameters.setProtocols(TlsPolicy.PROTOCOLS.toArray(String[]::new));
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(parameters);
    socket.setSoTimeout(timeoutMillis);
    socket.startHandshake();
    return socket;
  }

  private SSLContext context(int index) {
    return contexts.computeIfAbsent(index, this::newContext);
  }

  private SSLContext newContext(int index) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {
          new FixedIdentityKeyManager(List.of(certificates.get(index)), key)}, trust,
          random);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a bench client's TLS context", e);
    }
  }
}
