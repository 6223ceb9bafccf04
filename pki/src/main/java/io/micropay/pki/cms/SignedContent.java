package io.micropay.pki.cms;

import io.micropay.pki.KeyAlgorithm;
import io.micropay.pki.Role;
import io.micropay.pki.tls.RenewableKeyManager;
import io.micropay.pki.x509.CertificateChecker;
import io.micropay.pki.x509.CertificateRejectedException;
import io.micropay.pki.x509.Subjects;
import io.micropay.pki.x509.VerifiedSignatures;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Content signed as a CMS SignedData (RFC 5652) with Bouncy Castle's CMS classes: the content
 * inside (encapsulated, so the file alone is the proof), one signer, and the signer's
 * certificate shipped with it, so that anyone holding the CA certificate can check it, with
 * this code or with {@code openssl cms -verify}. Signed attributes are Bouncy Castle's
 * defaults: content type, message digest, signing time and algorithm protection.
 */
public final class SignedContent {
  private SignedContent() {
  }

  /** What a verified SignedData proves: this content, signed by this certificate, then. */
  public record Verified(byte[] content, X509Certificate signer, Instant signedAt) {
  }

  /** Signs {@code content} with {@code identity}'s key, shipping its certificate. */
  public static byte[] sign(byte[] content, RenewableKeyManager.Identity identity) {
    try {
      X509Certificate certificate = identity.certificate();
      CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
      generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(
          new JcaDigestCalculatorProviderBuilder().build()).build(
              new JcaContentSignerBuilder(KeyAlgorithm.signatureAlgorithmFor(identity.key()))
                  .build(identity.key()), certificate));
      generator.addCertificates(new JcaCertStore(List.of(certificate)));
      return generator.generate(new CMSProcessableByteArray(content), true).getEncoded();
    } catch (GeneralSecurityException | OperatorCreationException | CMSException
        | IOException e) {
      throw new IllegalStateException("could not sign with " + Subjects.describe(
          identity.certificate()) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks {@code der}: one signer, whose certificate is in it, whose signature over the content
   * verifies, whose certificate the CA {@code ca} issued, was valid when it signed, and has
   * {@code role}.
   *
   * @throws CertificateRejectedException saying what is wrong, for any failure
   */
  public static Verified verify(byte[] der, X509Certificate ca, Role role)
      throws CertificateRejectedException {
    CMSSignedData data;
    try {
      data = new CMSSignedData(der);
    } catch (CMSException | RuntimeException e) {
      throw rejected("it is not a CMS SignedData (" + e.getMessage() + ")");
    }
    Collection<SignerInformation> signers = data.getSignerInfos().getSigners();
    if (signers.size() != 1) {
      throw rejected("it has " + signers.size() + " signers, not one");
    }
    if (data.getSignedContent() == null) {
      throw rejected("the signed content is not inside it");
    }
    SignerInformation signer = signers.iterator().next();
    @SuppressWarnings("unchecked")
    Collection<X509CertificateHolder> matches = data.getCertificates().getMatches(signer.getSID());
    if (matches.size() != 1) {
      throw rejected("the signer's certificate is not in it");
    }
    X509Certificate certificate;
    try {
      certificate = new JcaX509CertificateConverter().getCertificate(matches.iterator().next());
      if (!signer.verify(new JcaSimpleSignerInfoVerifierBuilder().build(certificate))) {
        throw rejected("the signature does not match the content: it was changed after signing");
      }
    } catch (GeneralSecurityException | OperatorCreationException | CMSException e) {
      throw rejected("the signature does not verify (" + e.getMessage() + ")");
    }
    Instant signedAt = signingTime(signer).orElseThrow(
        () -> rejected("it carries no signing time"));
    CertificateChecker.checkSignedAndInDate(certificate, VerifiedSignatures.uncached(ca),
        signedAt);
    Optional<Role> actual = Subjects.role(certificate);
    if (!actual.equals(Optional.of(role))) {
      throw rejected("it is signed by " + Subjects.describe(certificate) + ", which is "
          + actual.map(found -> "a " + found.organisationalUnit()).orElse("not a micropay")
          + " certificate; a " + role.organisationalUnit() + " certificate must sign it");
    }
    return new Verified((byte[]) data.getSignedContent().getContent(), certificate, signedAt);
  }

  /** {@code der} as PEM, {@code -----BEGIN CMS-----}, the form {@code openssl cms} reads. */
  public static String toPem(byte[] der) {
    String base64 = java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN CMS-----\n" + base64 + "\n-----END CMS-----\n";
  }

  /**
   * The DER inside PEM text of type CMS (or PKCS7, an older name of the same structure).
   *
   * @throws CertificateRejectedException when the text is not such PEM
   */
  public static byte[] fromPem(String text) throws CertificateRejectedException {
    String trimmed = text.strip();
    for (String type : List.of("CMS", "PKCS7")) {
      String begin = "-----BEGIN " + type + "-----";
      String end = "-----END " + type + "-----";
      if (trimmed.startsWith(begin) && trimmed.endsWith(end)) {
        try {
          return java.util.Base64.getMimeDecoder().decode(
              trimmed.substring(begin.length(), trimmed.length() - end.length()));
        } catch (IllegalArgumentException e) {
          throw rejected("its PEM body is not Base64");
        }
      }
    }
    throw rejected("it is not PEM of type CMS (-----BEGIN CMS-----)");
  }

  private static Optional<Instant> signingTime(SignerInformation signer) {
    if (signer.getSignedAttributes() == null) {
      return Optional.empty();
    }
    Attribute attribute = signer.getSignedAttributes().get(CMSAttributes.signingTime);
    if (attribute == null || attribute.getAttrValues().size() != 1) {
      return Optional.empty();
    }
    return Optional.of(Time.getInstance(attribute.getAttrValues().getObjectAt(0)).getDate()
        .toInstant());
  }

  private static CertificateRejectedException rejected(String why) {
    return new CertificateRejectedException("not a valid signed document: " + why,
        java.security.cert.CertPathValidatorException.BasicReason.UNSPECIFIED);
  }
}
