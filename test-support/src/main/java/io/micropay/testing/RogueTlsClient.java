package io.micropay.testing;

import io.micropay.pki.Passphrase;
import io.micropay.pki.x509.Pem;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
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
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the rogue client's TLS context", e);
    }
  }

  /**
   * Connects to 127.0.0.1:{@code port} and runs the handshake. With TLS 1.3 the client finishes
   * before the server has judged its certificate, so a refusal may only show on the first read.
   */
  public SSLSocket connect(int port, int timeoutMillis) throws IOException {
    Socket plain = new Socket();
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

  private static KeyManager[] keyManagers(TestPki.Identity identity)
      throws GeneralSecurityException, IOException {
    List<X509Certificate> chain = Pem.readCertificates(identity.certificate());
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("rogue", Pem.readPrivateKey(identity.key(), Passphrase.none()),
        new char[0], chain.toArray(X509Certificate[]::new));
    KeyManagerFactory factory = KeyManagerFactory.getInstance("SunX509");
    factory.init(store, new char[0]);
    return new KeyManager[] {new AlwaysPresent((X509KeyManager) factory.getKeyManagers()[0])};
  }

  /**
   * Presents the certificate whatever issuers the server asks for. The JDK's own key manager
   * would send nothing when the server's list of CAs does not include the certificate's issuer,
   * which would turn an "other CA" test into a "no certificate" test.
   */
  private static final class AlwaysPresent extends X509ExtendedKeyManager {
    private final X509KeyManager keys;

    AlwaysPresent(X509KeyManager keys) {
      this.keys = keys;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return "rogue";
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers,
        SSLEngine engine) {
      return "rogue";
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {"rogue"};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return new String[] {"rogue"};
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return "rogue";
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers,
        SSLEngine engine) {
      return "rogue";
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return keys.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return keys.getPrivateKey(alias);
    }
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
