package io.micropay.pki;

import io.micropay.pki.x509.Pem;
import io.micropay.pki.x509.Subjects;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The peer's half of enrollment: make a key pair and a certificate signing request for an
 * account name. The private key is written on the peer's machine (mode 0600) and never leaves it;
 * only the CSR goes to the CA, which signs it with {@code pki sign}.
 */
public final class EnrollmentRequest {
  private EnrollmentRequest() {
  }

  /**
   * Writes {@code keyFile} and {@code csrFile} for {@code accountName}. Refuses to overwrite an
   * existing key unless {@code replaceExistingKey}, because that key may already be certified.
   */
  public static PKCS10CertificationRequest create(String accountName, KeyAlgorithm keyAlgorithm,
      Passphrase keyPassphrase, Path keyFile, Path csrFile, ExistingKey existingKey) {
    PeerNames.requireValid(accountName);
    if (existingKey == ExistingKey.REFUSE && Files.exists(keyFile)) {
      throw new PkiException(keyFile + " already exists; pass --force to make a new key "
          + "(the certificate for the old key stops being usable with it)");
    }
    SecureRandom random = new SecureRandom();
    KeyPair keyPair = keyAlgorithm.generate(random);
    PKCS10CertificationRequest request = sign(accountName, keyPair, random);
    Pem.writePrivateKey(keyFile, keyPair.getPrivate(), keyPassphrase);
    Pem.writeCsr(csrFile, request);
    return request;
  }

  /** What to do when the key file exists. */
  public enum ExistingKey {
    REFUSE, REPLACE
  }

  private static PKCS10CertificationRequest sign(String accountName, KeyPair keyPair,
      SecureRandom random) {
    PrivateKey key = keyPair.getPrivate();
    try {
      return new JcaPKCS10CertificationRequestBuilder(
          Subjects.subject(accountName, Role.PEER), keyPair.getPublic())
          .build(new JcaContentSignerBuilder(KeyAlgorithm.signatureAlgorithmFor(key))
              .setSecureRandom(random).build(key));
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("signing a certificate request failed", e);
    }
  }
}
