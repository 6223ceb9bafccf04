package io.micropay.pki.x509;

import io.micropay.pki.Role;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Reads and builds the subject names micropay uses: {@code CN=<name>, OU=<role>}. The account a
 * connection acts for is the CN of its certificate, so the CN is read strictly: exactly one CN
 * attribute, or none at all.
 */
public final class Subjects {
  private Subjects() {
  }

  /** The subject of a certificate with this CN and role. */
  public static X500Name subject(String commonName, Role role) {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.OU, role.organisationalUnit())
        .addRDN(BCStyle.CN, commonName)
        .build();
  }

  /** The CN of {@code principal}, if it has exactly one. */
  public static Optional<String> commonName(X500Principal principal) {
    return single(X500Name.getInstance(principal.getEncoded()), BCStyle.CN);
  }

  /** The CN of {@code name}, if it has exactly one. */
  public static Optional<String> commonName(X500Name name) {
    return single(name, BCStyle.CN);
  }

  /** The CN of the certificate's subject, if it has exactly one. */
  public static Optional<String> commonName(X509Certificate certificate) {
    return commonName(certificate.getSubjectX500Principal());
  }

  /** The micropay role of the certificate, from its subject OU. */
  public static Optional<Role> role(X509Certificate certificate) {
    return single(X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
        BCStyle.OU).flatMap(Role::fromOrganisationalUnit);
  }

  /** A serial number as upper-case hex, the way OpenSSL's index spells it. */
  public static String serialHex(BigInteger serial) {
    String hex = serial.toString(16).toUpperCase(Locale.ROOT);
    return hex.length() % 2 == 0 ? hex : "0" + hex;
  }

  /** "CN=alice (serial 1A2B...)": how messages name a certificate. */
  public static String describe(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName() + " (serial "
        + serialHex(certificate.getSerialNumber()) + ")";
  }

  /** The subject in OpenSSL's index form, e.g. {@code /OU=peer/CN=alice}. */
  public static String openSslForm(X500Principal principal) {
    StringBuilder text = new StringBuilder();
    for (RDN rdn : X500Name.getInstance(principal.getEncoded()).getRDNs()) {
      ASN1ObjectIdentifier type = rdn.getFirst().getType();
      String label = BCStyle.INSTANCE.oidToDisplayName(type);
      text.append('/').append(label == null ? type.getId() : label.toUpperCase(Locale.ROOT))
          .append('=').append(IETFUtils.valueToString(rdn.getFirst().getValue()));
    }
    return text.toString();
  }

  /** The value of a single-valued RDN as text. */
  public static String value(RDN rdn) {
    ASN1Encodable value = rdn.getFirst().getValue();
    return value instanceof ASN1String string ? string.getString()
        : IETFUtils.valueToString(value);
  }

  private static Optional<String> single(X500Name name, ASN1ObjectIdentifier attribute) {
    RDN[] rdns = name.getRDNs(attribute);
    if (rdns.length != 1 || rdns[0].isMultiValued()) {
      return Optional.empty();
    }
    return Optional.of(value(rdns[0]));
  }
}
