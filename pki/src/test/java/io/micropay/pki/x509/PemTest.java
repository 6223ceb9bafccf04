package io.micropay.pki.x509;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.pki.KeyAlgorithm;
import io.micropay.pki.Passphrase;
import io.micropay.pki.PkiException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM keys round-trip, encrypted keys need their passphrase, and wrong files say so. */
class PemTest {
  @TempDir
  Path directory;

  @Test
  void anEncryptedKeyRoundTripsOnlyWithItsPassphrase() throws Exception {
    KeyPair keyPair = KeyAlgorithm.EC_P256.generate(new SecureRandom());
    Path file = directory.resolve("k.key");
    Passphrase passphrase = Passphrase.of("tr0ub4dor".toCharArray(), "test");
    Pem.writePrivateKey(file, keyPair.getPrivate(), passphrase);
    assertTrue(Files.readString(file).contains("BEGIN ENCRYPTED PRIVATE KEY"));
    assertEquals(keyPair.getPrivate(), Pem.readPrivateKey(file, passphrase));
    assertTrue(assertThrows(PkiException.class, () -> Pem.readPrivateKey(file, Passphrase.none()))
        .getMessage().contains("encrypted"));
    assertTrue(assertThrows(PkiException.class, () -> Pem.readPrivateKey(file,
        Passphrase.of("wrong".toCharArray(), "test"))).getMessage().contains("wrong passphrase"));
  }

  @Test
  void aFileOfTheWrongKindIsNamedInTheError() throws Exception {
    KeyPair keyPair = KeyAlgorithm.EC_P256.generate(new SecureRandom());
    Path keyFile = directory.resolve("k.key");
    Pem.writePrivateKey(keyFile, keyPair.getPrivate(), Passphrase.none());
    PkiException e = assertThrows(PkiException.class, () -> Pem.readCertificate(keyFile));
    assertTrue(e.getMessage().contains("a private key, not a certificate"), e.getMessage());
    Path garbage = directory.resolve("garbage.pem");
    Files.writeString(garbage, "hello\n");
    assertThrows(PkiException.class, () -> Pem.readCertificate(garbage));
    assertTrue(assertThrows(PkiException.class,
        () -> Pem.readCertificate(directory.resolve("none.pem"))).getMessage()
        .contains("does not exist"));
  }

  @Test
  void refusesFilesLargerThanTheLimit() throws Exception {
    Path huge = directory.resolve("huge.pem");
    Files.write(huge, new byte[Pem.MAX_FILE_BYTES + 1]);
    assertTrue(assertThrows(PkiException.class, () -> Pem.readObjects(huge)).getMessage()
        .contains("larger than"));
  }
}
