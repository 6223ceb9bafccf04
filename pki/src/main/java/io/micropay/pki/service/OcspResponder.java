package io.micropay.pki.service;

import io.micropay.pki.CertificateAuthority;
import io.micropay.pki.IssuedCertificate;
import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * The OCSP responder (RFC 6960) of the CA service, built on Bouncy Castle's OCSP classes. The CA
 * signs the responses itself, answering from its index: {@code good} for a certificate it issued
 * and has not revoked, {@code revoked} with the time and reason, {@code unknown} for a serial it
 * never issued. A nonce in the request is echoed, so a response cannot be replayed to that
 * client; each response is valid for {@link #RESPONSE_VALIDITY}.
 */
final class OcspResponder {
  /** How long a response may be relied on (its nextUpdate). */
  static final Duration RESPONSE_VALIDITY = Duration.ofMinutes(1);
  /** Certificates asked about in one request, at most. */
  static final int MAX_CERTIFICATES_PER_REQUEST = 16;

  private final CertificateAuthority ca;
  private final IndexSnapshot index;
  private final Clock clock;
  private final X509CertificateHolder caHolder;
  private final DigestCalculatorProvider digests;

  OcspResponder(CertificateAuthority ca, Clock clock) {
    this.ca = ca;
    this.index = new IndexSnapshot(ca.layout().index());
    this.clock = clock;
    try {
      this.caHolder = new JcaX509CertificateHolder(ca.caCertificate());
      this.digests = new JcaDigestCalculatorProviderBuilder().build();
    } catch (CertificateEncodingException | OperatorCreationException e) {
      throw new IllegalStateException("cannot prepare the OCSP responder", e);
    }
  }

  /**
   * The DER response to the DER request {@code body}: a signed answer, or an unsigned error
   * status (malformedRequest, unauthorized for certificates of another CA) as RFC 6960 says.
   */
  byte[] respond(byte[] body) {
    try {
      OCSPReq request;
      try {
        request = new OCSPReq(body);
      } catch (IOException | RuntimeException e) {
        return status(OCSPRespBuilder.MALFORMED_REQUEST);
      }
      Req[] asked = request.getRequestList();
      if (asked.length == 0 || asked.length > MAX_CERTIFICATES_PER_REQUEST) {
        return status(OCSPRespBuilder.MALFORMED_REQUEST);
      }
      Instant now = clock.instant();
      BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(
          new RespID(caHolder.getSubject()));
      for (Req one : asked) {
        CertificateID id = one.getCertID();
        if (!id.matchesIssuer(caHolder, digests)) {
          return status(OCSPRespBuilder.UNAUTHORIZED);
        }
        builder.addResponse(id, statusOf(id), Date.from(now),
            Date.from(now.plus(RESPONSE_VALIDITY)), null);
      }
      Extension nonce = request.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
      if (nonce != null) {
        builder.setResponseExtensions(new Extensions(nonce));
      }
      return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL,
          ca.signer().signOcsp(builder, now)).getEncoded();
    } catch (OCSPException | IOException e) {
      throw new IllegalStateException("building an OCSP response failed", e);
    }
  }

  /** The status of {@code id}; {@link CertificateStatus#GOOD} is null, so no Optional here. */
  private CertificateStatus statusOf(CertificateID id) {
    Optional<IssuedCertificate> found = index.find(id.getSerialNumber());
    if (found.isEmpty()) {
      return new UnknownStatus();
    }
    IssuedCertificate entry = found.get();
    if (entry.revokedAt().isEmpty()) {
      return CertificateStatus.GOOD;
    }
    return new RevokedStatus(Date.from(entry.revokedAt().get()),
        entry.revocationReason().map(reason -> reason.code()).orElse(CRLReason.unspecified));
  }

  private static byte[] status(int status) throws OCSPException, IOException {
    OCSPResp response = new OCSPRespBuilder().build(status, null);
    return response.getEncoded();
  }
}
