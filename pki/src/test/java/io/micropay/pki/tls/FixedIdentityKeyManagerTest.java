package io.micropay.pki.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micropay.pki.KeyAlgorithm;
import io.micropay.pki.Validity;
import io.micropay.pki.x509.CertificateSigner;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

/** One identity, whatever is asked; nothing for an alias it never gave out. */
class FixedIdentityKeyManagerTest {

  @Test
  void presentsItsOneIdentityWhateverIssuersAreAskedFor() {
    SecureRandom random = new SecureRandom();
    KeyPair keys = KeyAlgorithm.EC_P256.generate(random);
    X509Certificate certificate = CertificateSigner.selfSignedCa(keys, "someone",
        Validity.days(Instant.now(), 1), random);
    FixedIdentityKeyManager manager = new FixedIdentityKeyManager(List.of(certificate),
        keys.getPrivate());
    X500Principal[] otherIssuers = {new X500Principal("CN=another CA")};

    String alias = manager.chooseClientAlias(new String[] {"EC"}, otherIssuers, null);
    assertEquals(alias, manager.chooseEngineClientAlias(new String[] {"EC"}, null, null));
    assertEquals(alias, manager.chooseServerAlias("EC", otherIssuers, null));
    assertArrayEquals(new X509Certificate[] {certificate}, manager.getCertificateChain(alias));
    assertSame(keys.getPrivate(), manager.getPrivateKey(alias));
    assertNull(manager.getCertificateChain("someone else"));
    assertNull(manager.getPrivateKey("someone else"));
  }

  @Test
  void anEmptyChainIsRefused() {
    KeyPair keys = KeyAlgorithm.EC_P256.generate(new SecureRandom());
    assertThrows(IllegalArgumentException.class,
        () -> new FixedIdentityKeyManager(List.of(), keys.getPrivate()));
  }
}
