package io.micropay.pki.x509;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.pki.KeyAlgorithm;
import io.micropay.pki.RevocationReason;
import io.micropay.pki.Role;
import io.micropay.pki.Validity;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.SignatureException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;

/**
 * Only a signature that verified is remembered, a forgery under the CA's name never passes, and
 * what can change (revocation) is still checked every time.
 */
class VerifiedSignaturesTest {
  private final SecureRandom random = new SecureRandom();
  private final Instant now = Instant.now();
  private final KeyPair caKeys = KeyAlgorithm.EC_P256.generate(random);
  private final X509Certificate ca = CertificateSigner.selfSignedCa(caKeys, "cache CA",
      Validity.days(now, 30), random);
  private final CertificateSigner caSigner = CertificateSigner.forCa(ca, caKeys.getPrivate(),
      random);

  @Test
  void aVerifiedSignatureIsRememberedAndAForgeryUnderTheSameNameIsNot() throws Exception {
    VerifiedSignatures signatures = new VerifiedSignatures(ca, 4);
    X509Certificate genuine = peer("alice", caSigner);
    signatures.verify(genuine);
    // The same certificate decoded again, as a resumed session's is: found, not verified again.
    signatures.verify(decodedAgain(genuine.getEncoded()));
    assertEquals(1, signatures.verifications(), "the second call found the first");
    assertEquals(1, signatures.size());

    // Same issuer name, same subject, another key signed it: never verified, never remembered.
    KeyPair forger = KeyAlgorithm.EC_P256.generate(random);
    CertificateSigner forgerSigner = new CertificateSigner(
        X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), forger.getPublic(),
        forger.getPrivate(), random);
    X509Certificate forged = peer("alice", forgerSigner);
    assertThrows(SignatureException.class, () -> signatures.verify(forged));
    assertThrows(SignatureException.class, () -> signatures.verify(forged));
    assertEquals(3, signatures.verifications(), "a failure is verified again every time");
    assertEquals(1, signatures.size());
    CertificateRejectedException rejected = assertThrows(CertificateRejectedException.class,
        () -> CertificateChecker.check(forged, signatures, emptyCrl(), now, Optional.empty()));
    assertTrue(rejected.getMessage().contains("does not verify with the CA key"),
        rejected.getMessage());
  }

  @Test
  void theGenuineCertificateWithAnAlteredSignatureIsNotTheOneRemembered() throws Exception {
    VerifiedSignatures signatures = new VerifiedSignatures(ca, 4);
    X509Certificate genuine = peer("alice", caSigner);
    signatures.verify(genuine);
    // Same to-be-signed part, same serial and subject; only the signature's last byte differs.
    byte[] altered = genuine.getEncoded();
    altered[altered.length - 1] ^= 0x01;
    X509Certificate tampered = decodedAgain(altered);
    assertThrows(SignatureException.class, () -> signatures.verify(tampered));
    assertEquals(1, signatures.size());
  }

  @Test
  void revocationIsCheckedEveryTimeThoughTheSignatureIsRemembered() throws Exception {
    VerifiedSignatures signatures = new VerifiedSignatures(ca, 4);
    X509Certificate alice = peer("alice", caSigner);
    CertificateChecker.check(alice, signatures, emptyCrl(), now, Optional.of(Role.PEER));
    X509CRL revoked = caSigner.signCrl(List.of(new CertificateSigner.RevokedSerial(
        alice.getSerialNumber(), now, RevocationReason.KEY_COMPROMISE)),
        BigInteger.TWO, now, now.plusSeconds(3600));
    CertificateRejectedException rejected = assertThrows(CertificateRejectedException.class,
        () -> CertificateChecker.check(alice, signatures, revoked, now, Optional.of(Role.PEER)));
    assertEquals(BasicReason.REVOKED, rejected.reason());
  }

  @Test
  void holdsAtMostItsLimitAndStartsAgainPastIt() throws Exception {
    VerifiedSignatures signatures = new VerifiedSignatures(ca, 3);
    for (String name : List.of("p1", "p2", "p3")) {
      signatures.verify(peer(name, caSigner));
    }
    assertEquals(3, signatures.size(), "at the limit, all kept");
    signatures.verify(peer("p4", caSigner));
    assertEquals(1, signatures.size(), "past it, forgotten and started again with the new one");
  }

  @Test
  void uncachedRemembersNothingAndALimitBelowZeroIsRefused() throws Exception {
    VerifiedSignatures uncached = VerifiedSignatures.uncached(ca);
    X509Certificate bob = peer("bob", caSigner);
    uncached.verify(bob);
    uncached.verify(decodedAgain(bob.getEncoded()));
    assertEquals(0, uncached.size());
    assertEquals(2, uncached.verifications());
    assertThrows(IllegalArgumentException.class, () -> new VerifiedSignatures(ca, -1));
  }

  private X509Certificate peer(String name, CertificateSigner signer) {
    KeyPair keys = KeyAlgorithm.EC_P256.generate(random);
    return signer.issueLeaf(Subjects.subject(name, Role.PEER), keys.getPublic(), Role.PEER,
        List.of(), Validity.days(now, 1));
  }

  private static X509Certificate decodedAgain(byte[] encoded) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(encoded));
  }

  private X509CRL emptyCrl() {
    return caSigner.signCrl(List.of(), BigInteger.ONE, now, now.plusSeconds(3600));
  }
}
