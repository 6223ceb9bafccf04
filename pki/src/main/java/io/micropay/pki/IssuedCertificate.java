package io.micropay.pki;

import java.time.Instant;
import java.util.Optional;

/**
 * One line of the CA's index: a certificate the CA issued and what became of it.
 *
 * @param serialHex the serial number, upper-case hex
 * @param subject the subject in OpenSSL's form, e.g. {@code /OU=peer/CN=alice}
 * @param commonName the CN (the account name for peers)
 * @param role the role from the subject's OU, empty for a subject the CA did not write
 * @param notAfter when the certificate expires
 * @param revokedAt when it was revoked, empty while it is not
 * @param revocationReason why it was revoked, empty while it is not
 */
public record IssuedCertificate(String serialHex, String subject, String commonName,
    Optional<Role> role, Instant notAfter, Optional<Instant> revokedAt,
    Optional<RevocationReason> revocationReason) {

  /** The status {@code pki list} shows. */
  public enum Status {
    VALID, EXPIRED, REVOKED;

    /** The lower-case word shown to people. */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The status at {@code now}: revoked wins over expired. */
  public Status status(Instant now) {
    if (revokedAt.isPresent()) {
      return Status.REVOKED;
    }
    return now.isAfter(notAfter) ? Status.EXPIRED : Status.VALID;
  }

  /** This certificate, revoked at {@code when} for {@code reason}. */
  public IssuedCertificate revoked(Instant when, RevocationReason reason) {
    return new IssuedCertificate(serialHex, subject, commonName, role, notAfter,
        Optional.of(when), Optional.of(reason));
  }
}
