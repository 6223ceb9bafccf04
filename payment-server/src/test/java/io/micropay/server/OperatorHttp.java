package io.micropay.server;

import io.micropay.pki.TlsFactory;
import io.micropay.pki.x509.Pem;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A test's HTTPS client for the operator endpoint, with any certificate, or none. */
public final class OperatorHttp {
  private final HttpClient client;
  private final URI base;

  private OperatorHttp(SSLContext context, javax.net.ssl.SSLParameters parameters, int port) {
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .sslContext(context).sslParameters(parameters)
        .connectTimeout(Duration.ofMillis(TestServer.TIMEOUT_MILLIS)).build();
    this.base = URI.create("https://127.0.0.1:" + port + "/");
  }

  /** Presents the certificate of {@code tls} (an operator's, a peer's, another CA's). */
  public static OperatorHttp as(TlsFactory tls, int port) {
    return new OperatorHttp(tls.operatorClientContext(), tls.operatorClientParameters(), port);
  }

  /** Presents no certificate; trusts the server by {@code caCertificate}. */
  public static OperatorHttp anonymous(Path caCertificate, int port) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", Pem.readCertificate(caCertificate));
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), new SecureRandom());
    return new OperatorHttp(context, context.getDefaultSSLParameters(), port);
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(base.resolve(path))
        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> post(String path, String body)
      throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(base.resolve(path))
        .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }
}
