package io.micropay.pki.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.pki.CaInitializer.ExistingCa;
import io.micropay.pki.CaInitializer;
import io.micropay.pki.CertificateAuthority;
import io.micropay.pki.KeyAlgorithm;
import io.micropay.pki.Passphrase;
import io.micropay.pki.PkiException;
import io.micropay.pki.PkiLayout;
import io.micropay.pki.x509.CertificateSigner;
import io.micropay.pki.x509.Pem;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CRL is re-read when it changes, and an unusable CRL fails closed. */
class CrlSourceTest {
  @TempDir
  Path directory;

  private PkiLayout layout;
  private CertificateAuthority ca;

  @BeforeEach
  void makeCa() {
    layout = new PkiLayout(directory);
    CaInitializer.init(layout, "crl CA", KeyAlgorithm.EC_P256, 30, 30, Passphrase.none(),
        ExistingCa.REFUSE, Clock.systemUTC());
    ca = CertificateAuthority.open(layout, Passphrase.none(), Clock.systemUTC());
  }

  @Test
  void picksUpANewCrlWithoutARestart() {
    CrlSource source = new CrlSource(layout.crl(), ca.caCertificate(), Clock.systemUTC());
    assertEquals(BigInteger.ONE, CertificateSigner.crlNumber(source.current()));
    ca.publishCrl(30);
    assertEquals(BigInteger.TWO, CertificateSigner.crlNumber(source.current()));
  }

  @Test
  void refusesAStaleCrl() {
    Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(31)), ZoneOffset.UTC);
    CrlSource source = new CrlSource(layout.crl(), ca.caCertificate(), later);
    PkiException e = assertThrows(PkiException.class, source::current);
    // "expired at": the missing-file message also names 'pki crl', so that alone proves nothing.
    assertTrue(e.getMessage().contains("expired at "
        + Pem.readCrl(layout.crl()).getNextUpdate().toInstant()), e.getMessage());
    assertTrue(e.getMessage().contains("pki crl"), e.getMessage());
  }

  @Test
  void refusesACrlFromAnotherKeyWithTheSameName() {
    KeyPair forger = KeyAlgorithm.EC_P256.generate(new SecureRandom());
    X509CRL forged = new CertificateSigner(
        org.bouncycastle.asn1.x500.X500Name.getInstance(
            ca.caCertificate().getSubjectX500Principal().getEncoded()),
        forger.getPublic(), forger.getPrivate(), new SecureRandom())
        .signCrl(List.of(), BigInteger.TEN, Instant.now(), Instant.now().plusSeconds(3600));
    Pem.writeCrl(layout.crl(), forged);
    PkiException e = assertThrows(PkiException.class,
        () -> new CrlSource(layout.crl(), ca.caCertificate(), Clock.systemUTC()));
    assertTrue(e.getMessage().contains("not signed"), e.getMessage());
  }

  @Test
  void keepsTheNewerCrlWhenAnOlderOneIsPutBack() throws Exception {
    byte[] first = Files.readAllBytes(layout.crl());
    CrlSource source = new CrlSource(layout.crl(), ca.caCertificate(), Clock.systemUTC());
    ca.publishCrl(30);
    assertEquals(BigInteger.TWO, CertificateSigner.crlNumber(source.current()));
    Path older = directory.resolve("older.crl");
    Files.write(older, first);
    Files.move(older, layout.crl(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertEquals(BigInteger.TWO, CertificateSigner.crlNumber(source.current()));
  }

  @Test
  void aMissingCrlIsAnErrorThatSaysHowToMakeOne() throws Exception {
    Files.delete(layout.crl());
    PkiException e = assertThrows(PkiException.class,
        () -> new CrlSource(layout.crl(), ca.caCertificate(), Clock.systemUTC()));
    assertTrue(e.getMessage().contains("pki crl"), e.getMessage());
  }
}
