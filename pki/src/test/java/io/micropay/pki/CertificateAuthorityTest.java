package io.micropay.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.pki.CaInitializer.ExistingCa;
import io.micropay.pki.CertificateAuthority.ExistingCertificate;
import io.micropay.pki.CertificateAuthority.Issued;
import io.micropay.pki.CertificateAuthority.LeafRequest;
import io.micropay.pki.EnrollmentRequest.ExistingKey;
import io.micropay.pki.x509.CertificateSigner;
import io.micropay.pki.x509.Pem;
import io.micropay.pki.x509.Subjects;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CA API: what it makes, what it refuses, and what it never destroys. */
class CertificateAuthorityTest {
  @TempDir
  Path directory;

  private PkiLayout layout;
  private CertificateAuthority ca;

  @BeforeEach
  void makeCa() {
    layout = new PkiLayout(directory.resolve("ssl"));
    CaInitializer.init(layout, "unit CA", KeyAlgorithm.EC_P256, 30, 30, Passphrase.none(),
        ExistingCa.REFUSE, Clock.systemUTC());
    ca = CertificateAuthority.open(layout, Passphrase.none(), Clock.systemUTC());
  }

  @Test
  void initMakesACaWhoseCertificateHasTheCaProfile() {
    X509Certificate root = ca.caCertificate();
    assertEquals(0, root.getBasicConstraints(), "CA with path length 0");
    assertTrue(root.getCriticalExtensionOIDs().contains(Extension.basicConstraints.getId()));
    assertTrue(root.getCriticalExtensionOIDs().contains(Extension.keyUsage.getId()));
    assertTrue(root.getKeyUsage()[5] && root.getKeyUsage()[6], "keyCertSign and cRLSign");
    assertTrue(root.getExtensionValue(Extension.subjectKeyIdentifier.getId()) != null);
    assertTrue(root.getExtensionValue(Extension.authorityKeyIdentifier.getId()) != null);
    assertTrue(root.getNotBefore().toInstant().isBefore(Instant.now().minusSeconds(3000)),
        "notBefore is backdated");
  }

  @Test
  void initWithoutForceNeverTouchesAnExistingCa() throws Exception {
    byte[] certificate = Files.readAllBytes(layout.caCertificate());
    byte[] key = Files.readAllBytes(layout.caKey());
    PkiException e = assertThrows(PkiException.class, () -> CaInitializer.init(layout, "other",
        KeyAlgorithm.EC_P256, 30, 30, Passphrase.none(), ExistingCa.REFUSE, Clock.systemUTC()));
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    assertArrayEquals(certificate, Files.readAllBytes(layout.caCertificate()));
    assertArrayEquals(key, Files.readAllBytes(layout.caKey()));
  }

  @Test
  void initWithForceMovesTheOldCaAsideInsteadOfDeletingIt() throws Exception {
    byte[] oldKey = Files.readAllBytes(layout.caKey());
    CaInitializer.Result result = CaInitializer.init(layout, "new CA", KeyAlgorithm.EC_P256, 30,
        30, Passphrase.none(), ExistingCa.REPLACE, Clock.systemUTC());
    Path aside = result.movedAside().orElseThrow();
    assertArrayEquals(oldKey, Files.readAllBytes(aside.resolve("ca.key")));
    assertFalse(java.util.Arrays.equals(oldKey, Files.readAllBytes(layout.caKey())));
  }

  @Test
  void keyFilesAreWrittenWithMode0600() throws Exception {
    issuePeer("alice", ExistingCertificate.REFUSE);
    for (Path key : List.of(layout.caKey(), layout.peerKey("alice"))) {
      assertEquals("rw-------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(key)), key.toString());
    }
    assertEquals("rw-r--r--", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(layout.peerCertificate("alice"))));
  }

  @Test
  void peerCertificatesCarryTheNameRoleAndTlsUsages() throws Exception {
    X509Certificate alice = issuePeer("alice", ExistingCertificate.REFUSE).certificate();
    assertEquals("alice", Subjects.commonName(alice).orElseThrow());
    assertEquals(Role.PEER, Subjects.role(alice).orElseThrow());
    assertEquals(List.of("1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1"), alice.getExtendedKeyUsage());
    assertEquals(-1, alice.getBasicConstraints());
    assertTrue(alice.getSerialNumber().bitLength() >= 64, "at least 64 random bits");
    alice.verify(ca.caCertificate().getPublicKey());
  }

  @Test
  void aSecondCertificateForANameNeedsRenewWhichRevokesTheFirst() {
    Issued first = issuePeer("alice", ExistingCertificate.REFUSE);
    PkiException refused = assertThrows(PkiException.class, () -> ca.issueWithNewKey(
        request("alice", ExistingCertificate.REFUSE), KeyAlgorithm.EC_P256, Passphrase.none(),
        directory.resolve("other.crt"), directory.resolve("other.key")));
    assertTrue(refused.getMessage().contains("--renew"), refused.getMessage());

    Issued second = issuePeer("alice", ExistingCertificate.RENEW);
    assertEquals(first.entry().serialHex(), second.replaced().orElseThrow().serialHex());
    X509CRL crl = Pem.readCrl(layout.crl());
    assertTrue(crl.isRevoked(first.certificate()));
    assertFalse(crl.isRevoked(second.certificate()));
    assertTrue(ca.verify(first.certificate()).orElseThrow().contains("superseded"));
    assertTrue(ca.verify(second.certificate()).isEmpty());
  }

  @Test
  void revokeByNameOrSerialRewritesTheCrlWithTheNextNumber() {
    Issued alice = issuePeer("alice", ExistingCertificate.REFUSE);
    Issued bob = issuePeer("bob", ExistingCertificate.REFUSE);
    BigInteger before = CertificateSigner.crlNumber(Pem.readCrl(layout.crl()));
    ca.revoke("alice", RevocationReason.KEY_COMPROMISE, 30);
    ca.revoke("0x" + bob.entry().serialHex(), RevocationReason.CESSATION_OF_OPERATION, 30);
    X509CRL crl = Pem.readCrl(layout.crl());
    assertEquals(before.add(BigInteger.TWO), CertificateSigner.crlNumber(crl));
    assertTrue(crl.isRevoked(alice.certificate()));
    assertTrue(crl.isRevoked(bob.certificate()));
    PkiException again = assertThrows(PkiException.class,
        () -> ca.revoke(alice.entry().serialHex(), RevocationReason.UNSPECIFIED, 30));
    assertTrue(again.getMessage().contains("already revoked"), again.getMessage());
    assertThrows(PkiException.class, () -> ca.revoke("nobody", RevocationReason.UNSPECIFIED, 30));
  }

  @Test
  void enrollmentKeepsTheKeyOnThePeerAndTheCaSignsTheRequest() {
    PkiLayout peerSide = new PkiLayout(directory.resolve("peer-machine"));
    EnrollmentRequest.create("carol", KeyAlgorithm.EC_P256, Passphrase.none(),
        peerSide.peerKey("carol"), peerSide.peerCsr("carol"), ExistingKey.REFUSE);
    Path certificateFile = directory.resolve("carol.crt");
    Issued issued = ca.signRequest(Pem.readCsr(peerSide.peerCsr("carol")), Role.PEER, List.of(),
        Validity.days(Instant.now(), 30), ExistingCertificate.REFUSE, certificateFile);
    assertEquals("carol", issued.entry().commonName());
    assertFalse(Files.exists(layout.peerKey("carol")), "the CA never sees the key");
    assertEquals(Pem.readCertificate(certificateFile).getPublicKey(),
        issued.certificate().getPublicKey());
    assertThrows(PkiException.class, () -> EnrollmentRequest.create("carol",
        KeyAlgorithm.EC_P256, Passphrase.none(), peerSide.peerKey("carol"),
        peerSide.peerCsr("carol"), ExistingKey.REFUSE), "an existing key is not replaced");
  }

  @Test
  void aServerCertificateNeedsANameToBeDialledBy() {
    assertThrows(PkiException.class, () -> ca.issueWithNewKey(new LeafRequest(Role.SERVER,
            "localhost", List.of(), Validity.days(Instant.now(), 30), ExistingCertificate.REFUSE),
        KeyAlgorithm.EC_P256, Passphrase.none(), layout.serverCertificate(), layout.serverKey()));
  }

  @Test
  void anEncryptedCaKeyNeedsItsPassphraseToSign() {
    PkiLayout locked = new PkiLayout(directory.resolve("locked"));
    Passphrase passphrase = Passphrase.of("open sesame".toCharArray(), "test");
    CaInitializer.init(locked, "locked CA", KeyAlgorithm.EC_P256, 30, 30, passphrase,
        ExistingCa.REFUSE, Clock.systemUTC());
    CertificateAuthority withoutPassphrase = CertificateAuthority.open(locked, Passphrase.none(),
        Clock.systemUTC());
    PkiException e = assertThrows(PkiException.class, () -> withoutPassphrase.publishCrl(30));
    assertTrue(e.getMessage().contains("encrypted"), e.getMessage());
    CertificateAuthority wrong = CertificateAuthority.open(locked,
        Passphrase.of("wrong".toCharArray(), "test"), Clock.systemUTC());
    assertTrue(assertThrows(PkiException.class, () -> wrong.publishCrl(30)).getMessage()
        .contains("wrong passphrase"));
    CertificateAuthority.open(locked, passphrase, Clock.systemUTC()).publishCrl(30);
  }

  private Issued issuePeer(String name, ExistingCertificate existing) {
    return ca.issueWithNewKey(request(name, existing), KeyAlgorithm.EC_P256, Passphrase.none(),
        layout.peerCertificate(name), layout.peerKey(name));
  }

  private static LeafRequest request(String name, ExistingCertificate existing) {
    return new LeafRequest(Role.PEER, name, List.of(), Validity.days(Instant.now(), 30),
        existing);
  }
}
