package io.micropay.pki;

import io.micropay.pki.tls.CrlSource;
import io.micropay.pki.x509.CaIndex;
import io.micropay.pki.x509.CaLock;
import io.micropay.pki.x509.CertificateChecker;
import io.micropay.pki.x509.CertificateRejectedException;
import io.micropay.pki.x509.CertificateSigner;
import io.micropay.pki.x509.CsrPolicy;
import io.micropay.pki.x509.Pem;
import io.micropay.pki.x509.SubjectAltNames;
import io.micropay.pki.x509.Subjects;
import io.micropay.pki.x509.VerifiedSignatures;
import io.micropay.rules.AccountNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * A certificate authority kept in a folder ({@link PkiLayout}): it issues server and peer
 * certificates, signs peers' requests, revokes, and publishes the CRL. Every change to the index,
 * the issued copies and the CRL happens under the folder's lock. Use {@link CaInitializer} to make
 * a new CA and {@link #open} to work with an existing one.
 */
public final class CertificateAuthority {
  /** Leaf validity when none is given, in days. */
  public static final int DEFAULT_LEAF_DAYS = 365;
  /** How long a CRL stays fresh when none is given, in days. */
  public static final int DEFAULT_CRL_DAYS = 30;

  private final PkiLayout layout;
  private final X509Certificate caCertificate;
  private final Passphrase caPassphrase;
  private final Clock clock;
  private final SecureRandom random;
  private final CrlPublisher crls;
  private volatile PrivateKey key;

  private CertificateAuthority(PkiLayout layout, X509Certificate caCertificate,
      Passphrase caPassphrase, Clock clock, SecureRandom random) {
    this.layout = layout;
    this.caCertificate = caCertificate;
    this.caPassphrase = caPassphrase;
    this.clock = clock;
    this.random = random;
    this.crls = new CrlPublisher(layout, clock);
  }

  /**
   * The CA in {@code layout}. The CA key is read only when something is signed, so listing and
   * verifying never need its passphrase.
   */
  public static CertificateAuthority open(PkiLayout layout, Passphrase caPassphrase,
      Clock clock) {
    if (!Files.exists(layout.caCertificate())) {
      throw new PkiException("there is no CA in " + layout.directory() + " (no "
          + layout.caCertificate().getFileName() + "); make one with 'pki init --dir "
          + layout.directory() + "'");
    }
    return new CertificateAuthority(layout, Pem.readCertificate(layout.caCertificate()),
        caPassphrase, clock, new SecureRandom());
  }

  /** The CA's own certificate. */
  public X509Certificate caCertificate() {
    return caCertificate;
  }

  /** The folder this CA lives in. */
  public PkiLayout layout() {
    return layout;
  }

  /** What to do when the name already has a valid certificate. */
  public enum ExistingCertificate {
    /** Refuse, naming the certificate that is in the way. */
    REFUSE,
    /** Issue the new one and revoke the old one as superseded. */
    RENEW,
    /**
     * Issue the new one beside it: the old one stays valid until it expires, so connections made
     * with it go on (automatic renewal, before the old certificate runs out).
     */
    OVERLAP
  }

  /**
   * What to certify.
   *
   * @param role server or peer
   * @param commonName the CN: the account name of a peer, the host name of the server
   * @param subjectAltNames for a server, the names clients dial (at least one)
   * @param validity when the certificate is valid
   * @param existing what to do when the name already has a valid certificate
   */
  public record LeafRequest(Role role, String commonName, List<GeneralName> subjectAltNames,
      Validity validity, ExistingCertificate existing) {
    public LeafRequest {
      subjectAltNames = List.copyOf(subjectAltNames);
      if (role == Role.PEER || role == Role.OPERATOR) {
        AccountNames.requireValid(commonName, PkiException::new);
      }
    }
  }

  /**
   * The result of issuing.
   *
   * @param certificate the new certificate
   * @param entry its index entry
   * @param replaced the certificate it superseded, if any (now revoked)
   * @param ignoredExtensions extensions a CSR asked for that the CA did not copy
   */
  public record Issued(X509Certificate certificate, IssuedCertificate entry,
      Optional<IssuedCertificate> replaced, List<String> ignoredExtensions) {
  }

  /**
   * Makes a key pair and a certificate for it: the one-step path for demos and for the server.
   * Writes the key (mode 0600, encrypted when {@code keyPassphrase} is present) to
   * {@code keyFile} and the certificate to {@code certificateFile}.
   */
  public Issued issueWithNewKey(LeafRequest request, KeyAlgorithm keyAlgorithm,
      Passphrase keyPassphrase, Path certificateFile, Path keyFile) {
    if (request.existing() == ExistingCertificate.REFUSE) {
      refuseExisting(keyFile, "pass --renew to replace it");
      refuseExisting(certificateFile, "pass --renew to replace it");
    }
    KeyPair keyPair = keyAlgorithm.generate(random);
    try (CaLock lock = CaLock.acquire(layout.lockFile())) {
      Issued issued = issue(request, keyPair.getPublic(), List.of());
      Pem.writePrivateKey(keyFile, keyPair.getPrivate(), keyPassphrase);
      Pem.writeCertificates(certificateFile, List.of(issued.certificate()));
      return issued;
    }
  }

  /**
   * Signs a peer's (or the server's) certificate request after {@link CsrPolicy} accepts it; the
   * CA decides the subject and every extension. Writes the certificate to
   * {@code certificateFile}. The subject CN of the request must equal {@code request}'s.
   */
  public Issued signRequest(PKCS10CertificationRequest csr, Role role,
      List<GeneralName> subjectAltNames, Validity validity, ExistingCertificate existing,
      Path certificateFile) {
    if (existing == ExistingCertificate.REFUSE) {
      refuseExisting(certificateFile, "pass --renew to replace it");
    }
    try (CaLock lock = CaLock.acquire(layout.lockFile())) {
      Issued issued = sign(csr, role, subjectAltNames, validity, existing);
      Pem.writeCertificates(certificateFile, List.of(issued.certificate()));
      return issued;
    }
  }

  /**
   * Signs a request as {@link #signRequest} does, for the CA service: the certificate is
   * recorded in the index and the issued folder, and returned rather than written elsewhere.
   */
  public Issued sign(PKCS10CertificationRequest csr, Role role,
      List<GeneralName> subjectAltNames, Validity validity, ExistingCertificate existing) {
    CsrPolicy.AcceptedRequest accepted = CsrPolicy.check(csr, role);
    LeafRequest request = new LeafRequest(role, accepted.commonName(), subjectAltNames,
        validity, existing);
    try (CaLock lock = CaLock.acquire(layout.lockFile())) {
      return issue(request, accepted.publicKey(), accepted.ignoredExtensions());
    }
  }

  /**
   * Renews {@code current}, a certificate this CA issued that is still valid (not revoked, not
   * expired): a new certificate for the key of {@code csr}, with the same name, role and
   * subject alternative names. The old one is not revoked; it runs out by itself.
   *
   * @throws PkiException saying why when {@code current} may not renew
   */
  public Issued renew(X509Certificate current, PKCS10CertificationRequest csr,
      Validity validity) {
    Role role = Subjects.role(current).orElseThrow(() -> new PkiException("certificate "
        + Subjects.describe(current) + " has no micropay role and cannot renew"));
    try (CaLock lock = CaLock.acquire(layout.lockFile())) {
      IssuedCertificate entry = requireRenewable(current);
      CsrPolicy.AcceptedRequest accepted = CsrPolicy.check(csr, role);
      if (!accepted.commonName().equals(entry.commonName())) {
        throw new PkiException("the renewal request is for '" + accepted.commonName()
            + "' but the certificate presented is '" + entry.commonName() + "'");
      }
      LeafRequest request = new LeafRequest(role, entry.commonName(),
          SubjectAltNames.of(current), validity, ExistingCertificate.OVERLAP);
      return issue(request, accepted.publicKey(), accepted.ignoredExtensions());
    }
  }

  /**
   * Revokes the certificates named by {@code nameOrSerial} (an account or host name: every valid
   * certificate it has in one role, the renewed one and the one it replaces; or a serial in hex)
   * and publishes a new CRL.
   *
   * @return what was revoked, at least one certificate
   */
  public List<IssuedCertificate> revoke(String nameOrSerial, RevocationReason reason,
      int crlDays) {
    return revoke(nameOrSerial, reason, Duration.ofDays(crlDays));
  }

  /** As {@link #revoke(String, RevocationReason, int)}, the new CRL fresh for {@code crlFor}. */
  public List<IssuedCertificate> revoke(String nameOrSerial, RevocationReason reason,
      Duration crlFor) {
    try (CaLock lock = CaLock.acquire(layout.lockFile())) {
      IndexEntries entries = IndexEntries.read(layout, clock);
      return markRevoked(entries, entries.resolve(nameOrSerial), reason, crlFor);
    }
  }

  /**
   * Revokes every valid certificate of {@code certificate}'s name and role, for the holder of
   * that certificate revoking itself: a compromised key may sit in the renewed certificate too.
   *
   * @throws PkiException when {@code certificate} is not a valid certificate of this CA
   */
  public List<IssuedCertificate> revokeHolder(X509Certificate certificate,
      RevocationReason reason, Duration crlFor) {
    try (CaLock lock = CaLock.acquire(layout.lockFile())) {
      IssuedCertificate entry = requireRenewable(certificate);
      IndexEntries entries = IndexEntries.read(layout, clock);
      return markRevoked(entries, entries.allValidFor(entry.role().orElseThrow(),
          entry.commonName()), reason, crlFor);
    }
  }

  /** Publishes a fresh CRL (new number, new nextUpdate) listing every revoked certificate. */
  public X509CRL publishCrl(int crlDays) {
    return publishCrl(Duration.ofDays(crlDays));
  }

  /** As {@link #publishCrl(int)}, fresh for {@code crlFor}. */
  public X509CRL publishCrl(Duration crlFor) {
    try (CaLock lock = CaLock.acquire(layout.lockFile())) {
      return crls.publish(CaIndex.read(layout.index()), crlFor, this::signer);
    }
  }

  /** Every certificate this CA issued, in the order it issued them. */
  public List<IssuedCertificate> list() {
    return CaIndex.read(layout.index());
  }

  /**
   * Why this deployment would refuse {@code certificate} now (wrong CA, expired, not yet valid,
   * revoked), or empty when it is acceptable.
   */
  public Optional<String> verify(X509Certificate certificate) {
    try {
      X509CRL crl = new CrlSource(layout.crl(), caCertificate, clock).current();
      CertificateChecker.check(certificate, caCertificate, crl, clock.instant(),
          Optional.empty());
      return Optional.empty();
    } catch (CertificateRejectedException e) {
      return Optional.of(e.getMessage());
    }
  }

  private Issued issue(LeafRequest request, PublicKey subjectKey, List<String> ignored) {
    IndexEntries entries = IndexEntries.read(layout, clock);
    Optional<IssuedCertificate> current = entries.validFor(request.role(),
        request.commonName());
    if (current.isPresent() && request.existing() == ExistingCertificate.REFUSE) {
      throw new PkiException("'" + request.commonName() + "' already has a valid "
          + request.role().organisationalUnit() + " certificate (serial "
          + current.get().serialHex() + ", valid until " + current.get().notAfter()
          + "); pass --renew to replace it (the old one is revoked as superseded)");
    }
    X509Certificate certificate = signer().issueLeaf(
        Subjects.subject(request.commonName(), request.role()), subjectKey, request.role(),
        request.subjectAltNames(), request.validity(), CaUrls.read(layout.caUrls()));
    IssuedCertificate entry = new IssuedCertificate(
        Subjects.serialHex(certificate.getSerialNumber()),
        Subjects.openSslForm(certificate.getSubjectX500Principal()), request.commonName(),
        Optional.of(request.role()), certificate.getNotAfter().toInstant(), Optional.empty(),
        Optional.empty());
    Optional<IssuedCertificate> replaced = current
        .filter(old -> request.existing() == ExistingCertificate.RENEW)
        .map(old -> old.revoked(clock.instant(), RevocationReason.SUPERSEDED));
    replaced.ifPresent(old -> entries.replace(current.get(), old));
    entries.add(entry);
    // The index is written first: a crash after it leaves an entry that can still be revoked,
    // never a certificate in use that the CA has no record of.
    entries.write();
    Pem.writeCertificates(layout.issuedCertificate(entry.serialHex()), List.of(certificate));
    if (replaced.isPresent()) {
      crls.publish(entries.all(), Duration.ofDays(DEFAULT_CRL_DAYS), this::signer);
    }
    return new Issued(certificate, entry, replaced, ignored);
  }

  private List<IssuedCertificate> markRevoked(IndexEntries entries,
      List<IssuedCertificate> targets, RevocationReason reason, Duration crlFor) {
    List<IssuedCertificate> revoked = new ArrayList<>();
    for (IssuedCertificate target : targets) {
      if (target.revokedAt().isPresent()) {
        throw new PkiException("certificate " + target.subject() + " (serial "
            + target.serialHex() + ") was already revoked on " + target.revokedAt().get());
      }
      IssuedCertificate now = target.revoked(clock.instant(), reason);
      entries.replace(target, now);
      revoked.add(now);
    }
    entries.write();
    crls.publish(entries.all(), crlFor, this::signer);
    return revoked;
  }

  /** The index entry of {@code certificate}, which must be this CA's and valid now. */
  private IssuedCertificate requireRenewable(X509Certificate certificate) {
    try {
      CertificateChecker.checkSignedAndInDate(certificate,
          VerifiedSignatures.uncached(caCertificate), clock.instant());
    } catch (CertificateRejectedException e) {
      throw new PkiException(e.getMessage() + "; it cannot renew or revoke itself: ask the "
          + "operator for a new enrollment token", e);
    }
    IssuedCertificate entry = IndexEntries.read(layout, clock)
        .bySerial(Subjects.serialHex(certificate.getSerialNumber()))
        .orElseThrow(() -> new PkiException("certificate " + Subjects.describe(certificate)
            + " is not in this CA's index"));
    if (entry.revokedAt().isPresent()) {
      throw new PkiException("certificate " + Subjects.describe(certificate) + " was revoked on "
          + entry.revokedAt().get() + " (" + entry.revocationReason().orElseThrow().openSslName()
          + "); it cannot renew: ask the operator for a new enrollment token");
    }
    return entry;
  }

  /**
   * A signer with the CA key. The key is read (and decrypted) once, at the first signature, and
   * kept: the CA service signs every OCSP response with it.
   */
  public CertificateSigner signer() {
    PrivateKey caKey = key;
    if (caKey == null) {
      caKey = Pem.readPrivateKey(layout.caKey(), caPassphrase);
      key = caKey;
    }
    return CertificateSigner.forCa(caCertificate, caKey, random);
  }

  private static void refuseExisting(Path file, String advice) {
    if (Files.exists(file)) {
      throw new PkiException(file + " already exists; " + advice);
    }
  }
}
