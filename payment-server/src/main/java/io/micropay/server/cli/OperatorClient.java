package io.micropay.server.cli;

import io.micropay.pki.Passphrase;
import io.micropay.pki.PkiException;
import io.micropay.pki.PkiLayout;
import io.micropay.pki.Role;
import io.micropay.pki.TlsFactory;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * An operator asking a running server through its operator endpoint, with an operator
 * certificate from {@code ssl/operators/}: the only one there, or the one named.
 */
final class OperatorClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** A backup copies the whole database: give it time. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(10);

  /** The answer: its HTTP status and body. */
  record Answer(int status, String body) {
  }

  /** The endpoint is not there (nobody listens): the caller may open the ledger instead. */
  static final class NotRunning extends IOException {
    private static final long serialVersionUID = 1L;

    NotRunning(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final HttpClient client;
  private final URI base;

  OperatorClient(PkiLayout layout, String operatorName, String baseUrl) {
    Path certificate = certificate(layout, operatorName);
    String name = certificate.getFileName().toString().replaceFirst("\\.crt$", "");
    TlsFactory tls = TlsFactory.builder().forLayout(layout)
        .identity(certificate, layout.operatorKey(name), Passphrase.none(), Role.OPERATOR)
        .build();
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .sslContext(tls.operatorClientContext()).sslParameters(tls.operatorClientParameters())
        .connectTimeout(CONNECT_TIMEOUT).build();
    this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
  }

  Answer get(String pathAndQuery) throws IOException {
    return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).GET());
  }

  Answer post(String path, String body) throws IOException {
    return send(HttpRequest.newBuilder(base.resolve(path))
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private Answer send(HttpRequest.Builder request) throws IOException {
    try {
      HttpResponse<String> response = client.send(request.timeout(REQUEST_TIMEOUT).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body().stripTrailing());
    } catch (ConnectException e) {
      throw new NotRunning("nothing listens at " + base, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + base, e);
    } catch (IOException e) {
      throw new IOException("cannot ask the server at " + base + ": " + e.getMessage(), e);
    }
  }

  /** The operator certificate: {@code operators/<name>.crt}, or the only one there. */
  static Path certificate(PkiLayout layout, String operatorName) {
    if (operatorName != null) {
      Path named = layout.operatorCertificate(operatorName);
      if (!Files.isRegularFile(named)) {
        throw new PkiException("there is no operator certificate " + named);
      }
      return named;
    }
    List<Path> all;
    try (Stream<Path> files = Files.list(layout.operatorsDirectory())) {
      all = files.filter(file -> file.toString().endsWith(".crt")).sorted().toList();
    } catch (IOException e) {
      all = List.of();
    }
    if (all.size() == 1) {
      return all.get(0);
    }
    if (all.isEmpty()) {
      throw new PkiException("there is no operator certificate in "
          + layout.operatorsDirectory() + "; make one with 'pki issue operator <name>'");
    }
    throw new PkiException("there are " + all.size() + " operator certificates in "
        + layout.operatorsDirectory() + "; choose one with --operator <name>");
  }
}
