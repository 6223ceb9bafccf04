package io.micropay.pki.client;

import io.micropay.pki.EnrollmentToken;
import io.micropay.pki.PkiException;
import io.micropay.pki.RevocationReason;
import io.micropay.pki.TlsFactory;
import io.micropay.pki.http.HttpCalls;
import io.micropay.pki.tls.PinnedCaTls;
import io.micropay.pki.x509.Pem;
import io.micropay.pki.x509.Subjects;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Talks to the CA service ({@code pki serve}) over HTTPS: enrollment with a one-time token,
 * trusting the CA by the token's fingerprint; renewal and self-revocation over mutual TLS with
 * the certificate concerned. Every call has a deadline and a cap on the answer; a refusal comes
 * back as a PkiException carrying the service's one line.
 */
public final class CaClient {
  /** The longest one call may take. */
  public static final Duration CALL_DEADLINE = Duration.ofSeconds(15);
  /** The largest answer accepted: a certificate chain or a line of text. */
  public static final int MAX_ANSWER_BYTES = 64 * 1024;

  private final URI service;

  /** A client of the CA service at {@code https://host:port}. */
  public CaClient(URI service) {
    this.service = CaServiceAddress.parse(service.toString());
  }

  public URI service() {
    return service;
  }

  /**
   * Enrolls {@code csr} with {@code token}; returns the certificate then the CA certificate. The
   * CA is the one whose fingerprint the token carries, checked in the TLS handshake and again on
   * the chain returned.
   */
  public List<X509Certificate> enroll(EnrollmentToken token, PKCS10CertificationRequest csr) {
    PinnedCaTls tls = PinnedCaTls.forToken(token);
    HttpRequest request = post("/enroll", Pem.encode(csr))
        .header("Authorization", "Bearer " + token.text()).build();
    HttpCalls.Answer answer;
    try {
      answer = HttpCalls.send(client(tls.context(), tls.parameters()), request, CALL_DEADLINE,
          MAX_ANSWER_BYTES);
    } catch (IOException e) {
      throw unreachable("enroll", tls.refusal().orElse(describe(e)), e);
    }
    List<X509Certificate> chain = chainFrom(answer, "enrollment");
    if (chain.size() < 2 || !token.matchesFingerprint(EnrollmentToken.fingerprint(
        chain.get(chain.size() - 1)))) {
      throw new PkiException("the CA service answered with a chain that does not end in the "
          + "CA the token names; refusing it");
    }
    return chain;
  }

  /** Renews {@code tls}'s certificate for its own key; returns the new certificate first. */
  public List<X509Certificate> renew(TlsFactory tls) {
    HttpRequest request = post("/renew", Pem.encode(tls.renewalRequest())).build();
    List<X509Certificate> chain = chainFrom(call(tls, request, "renew"), "renewal");
    if (!chain.get(0).getPublicKey().equals(tls.certificate().getPublicKey())) {
      throw new PkiException("the CA service renewed a certificate for another key; "
          + "refusing it");
    }
    return chain;
  }

  /** Revokes every valid certificate of {@code tls}'s name; returns the service's line. */
  public String revoke(TlsFactory tls, RevocationReason reason) {
    HttpRequest request = post("/revoke",
        reason.openSslName().getBytes(StandardCharsets.US_ASCII)).build();
    HttpCalls.Answer answer = call(tls, request, "revoke");
    requireOk(answer, "revocation");
    return answer.text().strip();
  }

  private HttpCalls.Answer call(TlsFactory tls, HttpRequest request, String what) {
    try {
      return HttpCalls.send(client(tls.caServiceContext(), tls.caServiceParameters()), request,
          CALL_DEADLINE, MAX_ANSWER_BYTES);
    } catch (IOException e) {
      throw unreachable(what, describe(e), e);
    }
  }

  private HttpRequest.Builder post(String path, byte[] body) {
    return HttpRequest.newBuilder(service.resolve(path)).timeout(CALL_DEADLINE)
        .header("Content-Type", "application/pkcs10")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  private static HttpClient client(SSLContext context, SSLParameters parameters) {
    return HttpClient.newBuilder().sslContext(context).sslParameters(parameters)
        .connectTimeout(CALL_DEADLINE).followRedirects(HttpClient.Redirect.NEVER)
        .proxy(HttpClient.Builder.NO_PROXY).version(HttpClient.Version.HTTP_1_1).build();
  }

  private static List<X509Certificate> chainFrom(HttpCalls.Answer answer, String what) {
    requireOk(answer, what);
    List<X509Certificate> chain = Pem.parseCertificates(answer.text(),
        "the CA service's answer");
    if (Subjects.commonName(chain.get(0)).isEmpty()) {
      throw new PkiException("the CA service answered with a certificate without a CN");
    }
    return chain;
  }

  private static void requireOk(HttpCalls.Answer answer, String what) {
    if (answer.status() != 200) {
      String line = answer.text().lines().findFirst().orElse("").strip();
      throw new PkiException("the CA refused the " + what + " (HTTP " + answer.status() + "): "
          + (line.length() > 300 ? line.substring(0, 300) + "..." : line));
    }
  }

  private PkiException unreachable(String what, String why, Exception cause) {
    return new PkiException("cannot " + what + " with the CA service at " + service + ": "
        + why, cause);
  }

  private static String describe(IOException e) {
    Throwable deepest = e;
    while (deepest.getCause() != null && deepest.getCause() != deepest) {
      deepest = deepest.getCause();
    }
    String message = TlsFactory.describe(e);
    return message == null || message.isBlank() ? deepest.toString() : message;
  }
}
