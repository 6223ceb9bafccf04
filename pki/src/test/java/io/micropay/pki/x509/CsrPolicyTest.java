package io.micropay.pki.x509;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.pki.KeyAlgorithm;
import io.micropay.pki.PkiException;
import io.micropay.pki.Role;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

/** The CA signs only requests that pass every check, and says which check failed. */
class CsrPolicyTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Test
  void acceptsAWellFormedPeerRequest() throws Exception {
    KeyPair keyPair = KeyAlgorithm.EC_P256.generate(RANDOM);
    CsrPolicy.AcceptedRequest accepted = CsrPolicy.check(
        request(Subjects.subject("alice", Role.PEER), keyPair.getPublic(), keyPair.getPrivate(),
            "SHA256withECDSA"));
    assertEquals("alice", accepted.commonName());
    assertEquals(keyPair.getPublic(), accepted.publicKey());
    assertTrue(accepted.ignoredExtensions().isEmpty());
  }

  @Test
  void acceptsRsaAtTheMinimumSize() throws Exception {
    KeyPair keyPair = KeyAlgorithm.RSA_2048.generate(RANDOM);
    assertEquals("bob", CsrPolicy.check(request(new X500Name("CN=bob"), keyPair.getPublic(),
        keyPair.getPrivate(), "SHA256withRSA")).commonName());
  }

  @Test
  void rejectsARequestSignedByAnotherKey() throws Exception {
    KeyPair claimed = KeyAlgorithm.EC_P256.generate(RANDOM);
    KeyPair signer = KeyAlgorithm.EC_P256.generate(RANDOM);
    PkiException e = assertThrows(PkiException.class, () -> CsrPolicy.check(request(
        new X500Name("CN=alice"), claimed.getPublic(), signer.getPrivate(), "SHA256withECDSA")));
    assertTrue(e.getMessage().contains("does not match its public key"), e.getMessage());
  }

  @Test
  void rejectsAnRsaKeyBelow2048Bits() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(1024);
    KeyPair small = generator.generateKeyPair();
    PkiException e = assertThrows(PkiException.class, () -> CsrPolicy.check(request(
        new X500Name("CN=alice"), small.getPublic(), small.getPrivate(), "SHA256withRSA")));
    assertTrue(e.getMessage().contains("1024 bits"), e.getMessage());
  }

  @Test
  void rejectsAnEcKeyOnAnotherCurve() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp521r1"));
    KeyPair keyPair = generator.generateKeyPair();
    PkiException e = assertThrows(PkiException.class, () -> CsrPolicy.check(request(
        new X500Name("CN=alice"), keyPair.getPublic(), keyPair.getPrivate(),
        "SHA512withECDSA")));
    assertTrue(e.getMessage().contains("curve"), e.getMessage());
  }

  @Test
  void rejectsABadAccountName() throws Exception {
    KeyPair keyPair = KeyAlgorithm.EC_P256.generate(RANDOM);
    for (String name : List.of("1alice", "List", "a".repeat(33), "al ice")) {
      assertThrows(PkiException.class, () -> CsrPolicy.check(request(
          new org.bouncycastle.asn1.x500.X500NameBuilder()
              .addRDN(org.bouncycastle.asn1.x500.style.BCStyle.CN, name).build(),
          keyPair.getPublic(), keyPair.getPrivate(), "SHA256withECDSA")), name);
    }
  }

  @Test
  void rejectsSubjectsWithMoreThanTheName() throws Exception {
    KeyPair keyPair = KeyAlgorithm.EC_P256.generate(RANDOM);
    assertThrows(PkiException.class, () -> CsrPolicy.check(request(
        new X500Name("CN=alice,O=Evil Corp"), keyPair.getPublic(), keyPair.getPrivate(),
        "SHA256withECDSA")));
    assertThrows(PkiException.class, () -> CsrPolicy.check(request(
        new X500Name("CN=alice,CN=bob"), keyPair.getPublic(), keyPair.getPrivate(),
        "SHA256withECDSA")));
    assertThrows(PkiException.class, () -> CsrPolicy.check(request(
        new X500Name("O=nobody"), keyPair.getPublic(), keyPair.getPrivate(),
        "SHA256withECDSA")));
  }

  @Test
  void rejectsSha1Signatures() throws Exception {
    KeyPair keyPair = KeyAlgorithm.RSA_2048.generate(RANDOM);
    PkiException e = assertThrows(PkiException.class, () -> CsrPolicy.check(request(
        new X500Name("CN=alice"), keyPair.getPublic(), keyPair.getPrivate(), "SHA1withRSA")));
    assertTrue(e.getMessage().contains("SHA-256 or stronger"), e.getMessage());
  }

  @Test
  void reportsRequestedExtensionsAsIgnored() throws Exception {
    KeyPair keyPair = KeyAlgorithm.EC_P256.generate(RANDOM);
    ExtensionsGenerator extensions = new ExtensionsGenerator();
    extensions.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    extensions.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName(GeneralName.dNSName, "bank.example")));
    PKCS10CertificationRequest request = new JcaPKCS10CertificationRequestBuilder(
        new X500Name("CN=alice"), keyPair.getPublic())
        .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate()));
    assertEquals(List.of(Extension.basicConstraints.getId(),
        Extension.subjectAlternativeName.getId()),
        CsrPolicy.check(request).ignoredExtensions());
  }

  private static PKCS10CertificationRequest request(X500Name subject, PublicKey publicKey,
      PrivateKey signingKey, String signatureAlgorithm) throws Exception {
    return new JcaPKCS10CertificationRequestBuilder(subject, publicKey)
        .build(new JcaContentSignerBuilder(signatureAlgorithm).build(signingKey));
  }
}
