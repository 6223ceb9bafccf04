package io.micropay.pki.service;

import com.sun.net.httpserver.Headers;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * One request to the CA service, read within its limits.
 *
 * @param address the client's address
 * @param method GET or POST
 * @param path the request path
 * @param headers the request headers
 * @param body the body, at most {@link Exchanges#MAX_BODY_BYTES}
 * @param clientCertificate the certificate the client authenticated with over TLS, if any
 */
record Call(InetAddress address, String method, String path, Headers headers, byte[] body,
    Optional<X509Certificate> clientCertificate) {
  /** The body as text. */
  String text() {
    return new String(body, StandardCharsets.US_ASCII);
  }

  /** The client certificate, or a 401 saying this endpoint needs one. */
  X509Certificate requireCertificate(String what) {
    return clientCertificate.orElseThrow(() -> new Refused(401,
        RequestGate.Reason.CERTIFICATE, what + " needs the certificate concerned (mutual TLS); "
            + "none was presented"));
  }

  /** What the endpoint answers, with any headers of its own. */
  record Answer(int status, String contentType, byte[] body,
      java.util.Map<String, String> headers) {
    Answer(int status, String contentType, byte[] body) {
      this(status, contentType, body, java.util.Map.of());
    }

    static Answer text(int status, String message) {
      return new Answer(status, "text/plain; charset=utf-8",
          (message + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }
}
