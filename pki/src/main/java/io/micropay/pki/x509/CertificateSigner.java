package io.micropay.pki.x509;

import io.micropay.pki.CaUrls;
import io.micropay.pki.KeyAlgorithm;
import io.micropay.pki.PkiException;
import io.micropay.pki.RevocationReason;
import io.micropay.pki.Role;
import io.micropay.pki.Validity;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Signs certificates and CRLs with one issuer key. It decides every extension itself from the
 * certificate's {@link Role}; nothing is copied from a request. Profiles:
 * <ul>
 *   <li>CA: BasicConstraints CA with path length 0 (critical), KeyUsage keyCertSign and
 *       cRLSign (critical), SKI, AKI.</li>
 *   <li>server: BasicConstraints end entity (critical), KeyUsage digitalSignature (critical),
 *       EKU serverAuth, subject alternative names, SKI, AKI.</li>
 *   <li>peer: as the server but EKU clientAuth and serverAuth, because a peer is both a TLS
 *       client (to the server and to payees) and a TLS server (its listener).</li>
 * </ul>
 * Only digitalSignature is needed: every TLS suite micropay allows uses ECDHE, so no key is ever
 * encrypted with a certificate's RSA key.
 */
public final class CertificateSigner {
  /** Serial numbers carry this many random bits: at least 64 are required by the CA/B forum. */
  public static final int SERIAL_BITS = 127;

  private final X500Name issuerName;
  private final PublicKey issuerPublicKey;
  private final PrivateKey issuerKey;
  private final SecureRandom random;

  /**
   * A signer for the issuer with this name and key pair. For a CA that is the CA's subject and
   * key; for a self-signed certificate (the CA itself, or a test's rogue certificate) it is the
   * certificate's own subject and key.
   */
  public CertificateSigner(X500Name issuerName, PublicKey issuerPublicKey, PrivateKey issuerKey,
      SecureRandom random) {
    this.issuerName = issuerName;
    this.issuerPublicKey = issuerPublicKey;
    this.issuerKey = issuerKey;
    this.random = random;
  }

  /** A signer for the CA whose certificate and key these are. */
  public static CertificateSigner forCa(X509Certificate caCertificate, PrivateKey caKey,
      SecureRandom random) {
    return new CertificateSigner(X500Name.getInstance(
        caCertificate.getSubjectX500Principal().getEncoded()), caCertificate.getPublicKey(),
        caKey, random);
  }

  /** A new self-signed CA certificate named {@code caName}. */
  public static X509Certificate selfSignedCa(KeyPair keyPair, String caName, Validity validity,
      SecureRandom random) {
    X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, caName).build();
    CertificateSigner signer = new CertificateSigner(name, keyPair.getPublic(),
        keyPair.getPrivate(), random);
    return signer.sign(name, keyPair.getPublic(), validity, builder -> {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    });
  }

  /** A leaf certificate for {@code subjectKey} with the profile of {@code role}. */
  public X509Certificate issueLeaf(X500Name subject, PublicKey subjectKey, Role role,
      List<GeneralName> subjectAltNames, Validity validity) {
    return issueLeaf(subject, subjectKey, role, subjectAltNames, validity, Optional.empty());
  }

  /**
   * A leaf certificate as above that also names where its revocation status is published: the
   * OCSP responder (Authority Information Access) and the CRL (CRL distribution point).
   */
  public X509Certificate issueLeaf(X500Name subject, PublicKey subjectKey, Role role,
      List<GeneralName> subjectAltNames, Validity validity, Optional<CaUrls> urls) {
    if (role.isHostRole() && subjectAltNames.isEmpty()) {
      throw new PkiException("a " + role.organisationalUnit() + " certificate needs at least "
          + "one subject alternative name");
    }
    return sign(subject, subjectKey, validity, builder -> {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.extendedKeyUsage, false, extendedKeyUsage(role));
      if (!subjectAltNames.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(subjectAltNames.toArray(GeneralName[]::new)));
      }
      if (urls.isPresent()) {
        addRevocationPointers(builder, urls.get());
      }
    });
  }

  /** Host roles serve TLS, operators only dial it, peers do both (their payee listener). */
  private static ExtendedKeyUsage extendedKeyUsage(Role role) {
    if (role.isHostRole()) {
      return new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth);
    }
    if (role == Role.OPERATOR) {
      return new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth);
    }
    return new ExtendedKeyUsage(new KeyPurposeId[] {
        KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth});
  }

  private static void addRevocationPointers(X509v3CertificateBuilder builder, CaUrls urls)
      throws IOException {
    builder.addExtension(Extension.authorityInfoAccess, false,
        new AuthorityInformationAccess(AccessDescription.id_ad_ocsp,
            new GeneralName(GeneralName.uniformResourceIdentifier, urls.ocsp().toString())));
    builder.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(
        new DistributionPoint[] {new DistributionPoint(new DistributionPointName(
            new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier,
                urls.crl().toString()))), null, null)}));
  }

  /** One revoked certificate in a CRL. */
  public record RevokedSerial(BigInteger serial, Instant revokedAt, RevocationReason reason) {
  }

  /** A CRL listing {@code revoked}, numbered {@code crlNumber}. */
  public X509CRL signCrl(List<RevokedSerial> revoked, BigInteger crlNumber, Instant thisUpdate,
      Instant nextUpdate) {
    X509v2CRLBuilder builder = new X509v2CRLBuilder(issuerName, Date.from(thisUpdate));
    builder.setNextUpdate(Date.from(nextUpdate));
    for (RevokedSerial entry : revoked) {
      builder.addCRLEntry(entry.serial(), Date.from(entry.revokedAt()), entry.reason().code());
    }
    try {
      builder.addExtension(Extension.authorityKeyIdentifier, false,
          extensionUtils().createAuthorityKeyIdentifier(issuerPublicKey));
      builder.addExtension(Extension.cRLNumber, false, new CRLNumber(crlNumber));
      return new JcaX509CRLConverter().getCRL(builder.build(contentSigner()));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("signing a CRL failed", e);
    }
  }

  /**
   * Signs the OCSP response {@code builder} holds, as of {@code producedAt}: the CA is its own
   * responder (RFC 6960 section 4.2.2.2), so no responder certificate is sent with it.
   */
  public BasicOCSPResp signOcsp(BasicOCSPRespBuilder builder, Instant producedAt) {
    try {
      return builder.build(contentSigner(), null, Date.from(producedAt));
    } catch (OCSPException | GeneralSecurityException e) {
      throw new IllegalStateException("signing an OCSP response failed", e);
    }
  }

  /** The CRLNumber extension of {@code crl}, or 0 when it has none. */
  public static BigInteger crlNumber(X509CRL crl) {
    byte[] extension = crl.getExtensionValue(Extension.cRLNumber.getId());
    if (extension == null) {
      return BigInteger.ZERO;
    }
    return ASN1Integer.getInstance(ASN1OctetString.getInstance(extension).getOctets())
        .getValue();
  }

  /** A fresh random serial number: positive, non-zero, {@value #SERIAL_BITS} bits. */
  public static BigInteger randomSerial(SecureRandom random) {
    BigInteger serial;
    do {
      serial = new BigInteger(SERIAL_BITS, random);
    } while (serial.bitLength() < 64);
    return serial;
  }

  @FunctionalInterface
  private interface Extensions {
    void add(X509v3CertificateBuilder builder) throws IOException;
  }

  private X509Certificate sign(X500Name subject, PublicKey subjectKey, Validity validity,
      Extensions extensions) {
    try {
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
          randomSerial(random), Date.from(validity.notBefore()), Date.from(validity.notAfter()),
          subject, subjectKey);
      JcaX509ExtensionUtils utils = extensionUtils();
      builder.addExtension(Extension.subjectKeyIdentifier, false,
          utils.createSubjectKeyIdentifier(subjectKey));
      builder.addExtension(Extension.authorityKeyIdentifier, false,
          utils.createAuthorityKeyIdentifier(issuerPublicKey));
      extensions.add(builder);
      return Pem.toCertificate(builder.build(contentSigner()));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("signing a certificate for " + subject + " failed", e);
    }
  }

  private ContentSigner contentSigner() throws GeneralSecurityException {
    try {
      return new JcaContentSignerBuilder(KeyAlgorithm.signatureAlgorithmFor(issuerKey))
          .setSecureRandom(random).build(issuerKey);
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("no signer for " + issuerKey.getAlgorithm(), e);
    }
  }

  private static JcaX509ExtensionUtils extensionUtils() throws GeneralSecurityException {
    return new JcaX509ExtensionUtils();
  }
}
