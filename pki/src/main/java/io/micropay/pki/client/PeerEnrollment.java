package io.micropay.pki.client;

import io.micropay.pki.EnrollmentRequest;
import io.micropay.pki.EnrollmentToken;
import io.micropay.pki.KeyAlgorithm;
import io.micropay.pki.Passphrase;
import io.micropay.pki.PkiException;
import io.micropay.pki.PkiLayout;
import io.micropay.pki.Role;
import io.micropay.pki.x509.Pem;
import io.micropay.pki.x509.Subjects;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A peer's enrollment with the CA service: the key is made here and never leaves (only the CSR
 * it signs is sent), the certificate and the CA certificate come back, and the files land where
 * the peer looks for them: {@code ca.crt}, {@code peers/<name>.key} (mode 0600),
 * {@code peers/<name>.crt}, and {@code ca-service.url} for renewals. Nothing is written until the
 * CA has answered, so a refused enrollment leaves the folder as it was.
 */
public final class PeerEnrollment {
  private PeerEnrollment() {
  }

  /**
   * What enrollment wrote.
   *
   * @param certificate the new certificate
   * @param certificateFile where it is
   * @param keyFile where its key is
   */
  public record Enrolled(X509Certificate certificate, Path certificateFile, Path keyFile) {
  }

  /** What to do when the folder already holds a key for the token's name. */
  public enum ExistingKey { REFUSE, REPLACE }

  /** Enrolls the token's account with the CA service at {@code service} into {@code layout}. */
  public static Enrolled enroll(URI service, EnrollmentToken token, PkiLayout layout,
      KeyAlgorithm algorithm, Passphrase keyPassphrase, ExistingKey existing) {
    String name = token.accountName();
    Path keyFile = layout.peerKey(name);
    Path certificateFile = layout.peerCertificate(name);
    if (existing == ExistingKey.REFUSE && Files.exists(keyFile)) {
      throw new PkiException(keyFile + " exists already: '" + name + "' is enrolled here "
          + "(renew with 'payment-peer renew'); pass --force to make a new key");
    }
    if (Files.exists(layout.caCertificate()) && !token.matchesFingerprint(
        EnrollmentToken.fingerprint(Pem.readCertificate(layout.caCertificate())))) {
      throw new PkiException(layout.caCertificate() + " is another CA than the token's; "
          + "enroll into a folder of its own with --ssl-dir");
    }
    KeyPair keyPair = algorithm.generate(new SecureRandom());
    CaClient client = new CaClient(service);
    List<X509Certificate> chain = client.enroll(token, EnrollmentRequest.csr(name, Role.PEER,
        keyPair.getPublic(), keyPair.getPrivate()));
    X509Certificate certificate = chain.get(0);
    if (!certificate.getPublicKey().equals(keyPair.getPublic())
        || !Subjects.commonName(certificate).orElse("").equals(name)) {
      throw new PkiException("the CA service answered with a certificate for another key or "
          + "name (" + Subjects.describe(certificate) + "); refusing it");
    }
    Pem.writePrivateKey(keyFile, keyPair.getPrivate(), keyPassphrase);
    Pem.writeCertificates(certificateFile, List.of(certificate));
    if (!Files.exists(layout.caCertificate())) {
      Pem.writeCertificates(layout.caCertificate(), List.of(chain.get(chain.size() - 1)));
    }
    CaServiceAddress.write(layout, client.service());
    return new Enrolled(certificate, certificateFile, keyFile);
  }
}
