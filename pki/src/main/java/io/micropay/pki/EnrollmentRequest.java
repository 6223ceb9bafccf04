package io.micropay.pki;

import io.micropay.pki.x509.Pem;
import io.micropay.pki.x509.Subjects;
import io.micropay.rules.AccountNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
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
    return create(accountName, Role.PEER, keyAlgorithm, keyPassphrase, keyFile, csrFile,
        existingKey);
  }

  /** As above, for a certificate of {@code role} (a peer or an operator). */
  public static PKCS10CertificationRequest create(String accountName, Role role,
      KeyAlgorithm keyAlgorithm, Passphrase keyPassphrase, Path keyFile, Path csrFile,
      ExistingKey existingKey) {
    if (role.isHostRole()) {
      throw new PkiException("'request' makes peer and operator requests; a "
          + role.organisationalUnit() + " certificate is issued with 'issue'");
    }
    AccountNames.requireValid(accountName, PkiException::new);
    if (existingKey == ExistingKey.REFUSE && Files.exists(keyFile)) {
      throw new PkiException(keyFile + " already exists; pass --force to make a new key "
          + "(the certificate for the old key stops being usable with it)");
    }
    SecureRandom random = new SecureRandom();
    KeyPair keyPair = keyAlgorithm.generate(random);
    PKCS10CertificationRequest request = csr(accountName, role, keyPair.getPublic(),
        keyPair.getPrivate());
    Pem.writePrivateKey(keyFile, keyPair.getPrivate(), keyPassphrase);
    Pem.writeCsr(csrFile, request);
    return request;
  }

  /** What to do when the key file exists. */
  public enum ExistingKey {
    REFUSE, REPLACE
  }

  /**
   * A request for a {@code role} certificate named {@code commonName} for {@code publicKey},
   * signed with its private key {@code key} (the proof of possession the CA checks).
   */
  public static PKCS10CertificationRequest csr(String commonName, Role role,
      PublicKey publicKey, PrivateKey key) {
    try {
      return new JcaPKCS10CertificationRequestBuilder(
          Subjects.subject(commonName, role), publicKey)
          .build(new JcaContentSignerBuilder(KeyAlgorithm.signatureAlgorithmFor(key))
              .setSecureRandom(new SecureRandom()).build(key));
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("signing a certificate request failed", e);
    }
  }
}
