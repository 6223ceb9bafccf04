package io.micropay.pki.x509;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * Reads where a certificate says its revocation status is published: the first {@code http}
 * CRL distribution point and the first {@code http} OCSP responder. Only read from certificates
 * whose signature the CA's key verified, so the URLs are the CA's, never an attacker's.
 */
public final class RevocationPointers {
  private RevocationPointers() {
  }

  /** The CRL distribution point, if the certificate names an http one. */
  public static Optional<URI> crl(X509Certificate certificate) {
    byte[] value = certificate.getExtensionValue(Extension.cRLDistributionPoints.getId());
    if (value == null) {
      return Optional.empty();
    }
    CRLDistPoint points = CRLDistPoint.getInstance(ASN1OctetString.getInstance(value)
        .getOctets());
    for (DistributionPoint point : points.getDistributionPoints()) {
      DistributionPointName name = point.getDistributionPoint();
      if (name != null && name.getType() == DistributionPointName.FULL_NAME) {
        Optional<URI> url = firstHttp(GeneralNames.getInstance(name.getName()).getNames());
        if (url.isPresent()) {
          return url;
        }
      }
    }
    return Optional.empty();
  }

  /** The OCSP responder of the Authority Information Access, if it names an http one. */
  public static Optional<URI> ocsp(X509Certificate certificate) {
    byte[] value = certificate.getExtensionValue(Extension.authorityInfoAccess.getId());
    if (value == null) {
      return Optional.empty();
    }
    AuthorityInformationAccess access = AuthorityInformationAccess.getInstance(
        ASN1OctetString.getInstance(value).getOctets());
    for (AccessDescription description : access.getAccessDescriptions()) {
      if (description.getAccessMethod().equals(AccessDescription.id_ad_ocsp)) {
        Optional<URI> url = firstHttp(new GeneralName[] {description.getAccessLocation()});
        if (url.isPresent()) {
          return url;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<URI> firstHttp(GeneralName[] names) {
    for (GeneralName name : names) {
      if (name.getTagNo() != GeneralName.uniformResourceIdentifier) {
        continue;
      }
      String text = ((ASN1String) name.getName()).getString();
      if (text.toLowerCase(Locale.ROOT).startsWith("http://")) {
        try {
          return Optional.of(URI.create(text));
        } catch (IllegalArgumentException e) {
          // Not a URL this side can use; a later one may be.
        }
      }
    }
    return Optional.empty();
  }
}
