package io.micropay.pki.testing;

import io.micropay.pki.Passphrase;
import io.micropay.pki.tls.FixedIdentityKeyManager;
import io.micropay.pki.x509.Pem;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A TLS client that checks nothing and presents whatever it is given: an expired certificate,
 * one from another CA, a self-signed one, or none at all. It is what an attacker would use, so
 * tests can prove the server and the peers refuse it. Test code only: it trusts every server.
 */
public final class RogueTlsClient {
  private final SSLContext context;
  private final List<String> protocols;

  private RogueTlsClient(SSLContext context, List<String> protocols) {
    this.context = context;
    this.protocols = protocols;
  }

  /** A client presenting {@code identity}, or no certificate when it is null. */
  public static RogueTlsClient presenting(TestPki.Identity identity) {
    return presenting(identity, List.of("TLSv1.3", "TLSv1.2"));
  }

  /** As {@link #presenting(TestPki.Identity)}, offering only {@code protocols}. */
  public static RogueTlsClient presenting(TestPki.Identity identity, List<String> protocols) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(identity == null ? new KeyManager[0] : keyManagers(identity),
          new TrustManager[] {new TrustEverything()}, new SecureRandom());
      return new RogueTlsClient(context, protocols);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the rogue client's TLS context", e);
    }
  }

  /**
   * Connects to 127.0.0.1:{@code port} and runs the handshake. With TLS 1.3 the client finishes
   * before the server has judged its certificate, so a refusal may only show on the first read.
   */
  public SSLSocket connect(int port, int timeoutMillis) throws IOException {
    return connectOver(new Socket(), port, timeoutMillis);
  }

  /**
   * As {@link #connect}, over {@code plain}, which the caller keeps: to end the TCP stream under
   * TLS (a bare FIN, no close_notify) or to reset it.
   */
  public SSLSocket connectOver(Socket plain, int port, int timeoutMillis) throws IOException {
    plain.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
    plain.setSoTimeout(timeoutMillis);
    SSLSocket socket = (SSLSocket) context.getSocketFactory()
        .createSocket(plain, "127.0.0.1", port, true);
    socket.setEnabledProtocols(protocols.toArray(String[]::new));
    socket.setUseClientMode(true);
    try {
      socket.startHandshake();
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  private static KeyManager[] keyManagers(TestPki.Identity identity) {
    // Presented whatever issuers the server asks for: the point is to see what it accepts.
    return new KeyManager[] {new FixedIdentityKeyManager(
        Pem.readCertificates(identity.certificate()),
        Pem.readPrivateKey(identity.key(), Passphrase.none()))};
  }

  /** Trusts every server: the rogue client only cares about what the server accepts. */
  private static final class TrustEverything implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
