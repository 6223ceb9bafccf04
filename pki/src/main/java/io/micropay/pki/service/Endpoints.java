package io.micropay.pki.service;

import io.micropay.pki.CertificateAuthority;
import io.micropay.pki.CertificateAuthority.Issued;
import io.micropay.pki.EnrollmentToken;
import io.micropay.pki.Enrollments;
import io.micropay.pki.IssuedCertificate;
import io.micropay.pki.PkiException;
import io.micropay.pki.RevocationReason;
import io.micropay.pki.Role;
import io.micropay.pki.Validity;
import io.micropay.pki.tls.CrlSource;
import io.micropay.pki.tls.DistributionPointCrls;
import io.micropay.pki.x509.CertificateSigner;
import io.micropay.pki.x509.Pem;
import io.micropay.pki.x509.Subjects;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each URL of the CA service does. HTTPS: {@code POST /enroll} (a one-time token in the
 * Authorization header, a CSR as the body), {@code POST /renew} and {@code POST /revoke} (mutual
 * TLS with the certificate concerned). Plain HTTP: {@code GET /crl} (the current CRL, DER),
 * {@code POST /ocsp} and {@code GET /ocsp/<base64>} (RFC 6960), {@code GET /metrics}. A
 * certificate answer is PEM: the new certificate, then the CA's.
 */
final class Endpoints {
  static final String PEM_CHAIN = "application/pem-certificate-chain";
  private static final Logger LOG = LoggerFactory.getLogger(Endpoints.class);
  private static final String BEARER = "Bearer ";

  private final CertificateAuthority ca;
  private final Enrollments enrollments;
  private final OcspResponder ocsp;
  private final CrlSource crl;
  private final ServiceConfig config;
  private final Clock clock;

  Endpoints(CertificateAuthority ca, ServiceConfig config, Clock clock) {
    this.ca = ca;
    this.enrollments = new Enrollments(ca, clock);
    this.ocsp = new OcspResponder(ca, clock);
    this.crl = new CrlSource(ca.layout().crl(), ca.caCertificate(), clock);
    this.config = config;
    this.clock = clock;
  }

  Call.Answer enroll(Call call, RequestGate gate) {
    if (!gate.mayTryToken(call.address())) {
      return Call.Answer.text(429, "too many refused enrollment tokens from "
          + call.address().getHostAddress() + "; wait "
          + ServiceConfig.TOKEN_FAILURE_WINDOW.toMinutes() + " minutes");
    }
    String authorization = Optional.ofNullable(call.headers().getFirst("Authorization"))
        .orElse("");
    if (!authorization.startsWith(BEARER)) {
      throw new Refused(401, RequestGate.Reason.TOKEN, "enrollment needs a token: "
          + "Authorization: Bearer <token from 'pki token'>");
    }
    EnrollmentToken token;
    try {
      token = EnrollmentToken.parse(authorization.substring(BEARER.length()));
    } catch (PkiException e) {
      gate.tokenRefused(call.address(), "enroll: " + e.getMessage());
      throw new Refused(403, RequestGate.Reason.BAD_REQUEST, e.getMessage());
    }
    Issued issued = enrollments.redeem(token, csr(call), validity());
    LOG.info("enrolled {} serial {} from {}, valid until {}", issued.entry().subject(),
        issued.entry().serialHex(), call.address().getHostAddress(), issued.entry().notAfter());
    return chain(issued.certificate());
  }

  Call.Answer renew(Call call) {
    X509Certificate current = call.requireCertificate("renewal");
    Role role = Subjects.role(current).orElse(Role.CA_SERVICE);
    if (role == Role.CA_SERVICE) {
      throw new Refused(403, RequestGate.Reason.CERTIFICATE, "only peer and server "
          + "certificates renew here");
    }
    Issued issued = ca.renew(current, csr(call), validity());
    LOG.info("renewed {} serial {} as serial {} for {}, valid until {}",
        issued.entry().subject(), Subjects.serialHex(current.getSerialNumber()),
        issued.entry().serialHex(), call.address().getHostAddress(), issued.entry().notAfter());
    return chain(issued.certificate());
  }

  Call.Answer revoke(Call call) {
    X509Certificate current = call.requireCertificate("revocation");
    String word = call.text().strip();
    RevocationReason reason;
    try {
      reason = RevocationReason.parse(word.isEmpty() ? "unspecified" : word);
    } catch (PkiException e) {
      throw new Refused(400, RequestGate.Reason.BAD_REQUEST, e.getMessage());
    }
    List<IssuedCertificate> revoked = ca.revokeHolder(current, reason, config.crlValidity());
    String serials = revoked.stream().map(IssuedCertificate::serialHex)
        .collect(Collectors.joining(", "));
    LOG.info("{} revoked itself ({}) from {}: serial {}", Subjects.describe(current),
        reason.openSslName(), call.address().getHostAddress(), serials);
    return Call.Answer.text(200, "revoked serial " + serials + " (" + reason.openSslName()
        + ")");
  }

  Call.Answer crl(Call call) {
    X509CRL current = crl.current();
    String tag = "\"" + CertificateSigner.crlNumber(current) + "\"";
    Map<String, String> headers = Map.of("ETag", tag, "Cache-Control",
        "max-age=" + DistributionPointCrls.DEFAULT_REFRESH.toSeconds());
    if (tag.equals(call.headers().getFirst("If-None-Match"))) {
      return new Call.Answer(304, "application/pkix-crl", new byte[0], headers);
    }
    try {
      return new Call.Answer(200, "application/pkix-crl", current.getEncoded(), headers);
    } catch (CRLException e) {
      throw new IllegalStateException("cannot encode the CRL", e);
    }
  }

  Call.Answer ocsp(Call call) {
    byte[] request = call.body();
    if (call.method().equals("GET")) {
      String encoded = call.path().substring(call.path().indexOf("/ocsp") + "/ocsp".length())
          .replaceFirst("^/", "");
      try {
        request = Base64.getDecoder().decode(java.net.URLDecoder.decode(encoded,
            java.nio.charset.StandardCharsets.US_ASCII));
      } catch (IllegalArgumentException e) {
        throw new Refused(400, RequestGate.Reason.BAD_REQUEST, "GET /ocsp/<request> takes a "
            + "base64 OCSP request");
      }
    }
    return new Call.Answer(200, "application/ocsp-response", ocsp.respond(request));
  }

  private PKCS10CertificationRequest csr(Call call) {
    try {
      return Pem.parseCsr(call.text(), "the request body");
    } catch (PkiException e) {
      throw new Refused(400, RequestGate.Reason.BAD_REQUEST, e.getMessage()
          + "; send one PEM certificate request");
    }
  }

  private Validity validity() {
    return Validity.lifetime(clock.instant(), config.lifetime());
  }

  private Call.Answer chain(X509Certificate issued) {
    return new Call.Answer(200, PEM_CHAIN, Pem.encode(issued, ca.caCertificate()));
  }
}
