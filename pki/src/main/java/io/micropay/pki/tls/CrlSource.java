package io.micropay.pki.tls;

import io.micropay.pki.PkiException;
import io.micropay.pki.x509.CertificateSigner;
import io.micropay.pki.x509.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CA's current CRL, read from its file and read again whenever the file changes, so a
 * revocation takes effect on the next handshake without a restart. The file is checked on every
 * call (one stat: modification time, size and file key, which changes when {@code pki} moves a
 * new CRL into place). A CRL is used only when the CA signed it; a CRL whose nextUpdate has passed
 * is refused, so a deployment whose CRL is no longer maintained fails closed and says so.
 */
public final class CrlSource implements RevocationSource {
  private static final Logger LOG = LoggerFactory.getLogger(CrlSource.class);

  private final Path file;
  private final X509Certificate ca;
  private final Clock clock;
  private volatile Loaded loaded;

  private record Loaded(X509CRL crl, BigInteger number, Object fileKey, long modifiedMillis,
      long sizeBytes) {
  }

  /**
   * A source for the CRL at {@code file}, issued by {@code ca}; reads it once now so that a
   * missing or broken CRL is reported at start-up rather than at the first handshake.
   */
  public CrlSource(Path file, X509Certificate ca, Clock clock) {
    this.file = file;
    this.ca = ca;
    this.clock = clock;
    this.loaded = load(attributes());
  }

  /** The file this source reads. */
  public Path file() {
    return file;
  }

  /** The file's CRL speaks for every certificate of the CA. */
  @Override
  public X509CRL crlFor(X509Certificate certificate) {
    return current();
  }

  @Override
  public String describe() {
    return "the CRL file " + file;
  }

  /**
   * The current CRL, re-read if the file changed since the last call.
   *
   * @throws PkiException when the CRL cannot be used: missing, not signed by the CA, or stale
   */
  public X509CRL current() {
    BasicFileAttributes attributes = attributes();
    Loaded known = loaded;
    if (!sameFile(known, attributes)) {
      known = reload(attributes);
    }
    Instant nextUpdate = known.crl().getNextUpdate().toInstant();
    if (clock.instant().isAfter(nextUpdate)) {
      throw new PkiException("the CRL " + file + " expired at " + nextUpdate
          + "; the CA must publish a new one with 'pki crl'");
    }
    return known.crl();
  }

  private synchronized Loaded reload(BasicFileAttributes attributes) {
    Loaded known = loaded;
    if (sameFile(known, attributes)) {
      return known;
    }
    Loaded fresh = load(attributes);
    if (known != null && fresh.number().compareTo(known.number()) < 0) {
      // An older CRL would un-revoke certificates: keep the newer one and say so.
      LOG.error("ignoring CRL {}: its number {} is lower than the loaded CRL's {}", file,
          fresh.number(), known.number());
      loaded = new Loaded(known.crl(), known.number(), fresh.fileKey(), fresh.modifiedMillis(),
          fresh.sizeBytes());
      return loaded;
    }
    LOG.info("loaded CRL {} number {} with {} revoked certificate(s), next update {}", file,
        fresh.number(), count(fresh.crl()), fresh.crl().getNextUpdate().toInstant());
    loaded = fresh;
    return fresh;
  }

  private Loaded load(BasicFileAttributes attributes) {
    X509CRL crl = requireSignedBy(Pem.readCrl(file), ca, "the CRL " + file);
    return new Loaded(crl, CertificateSigner.crlNumber(crl), attributes.fileKey(),
        attributes.lastModifiedTime().toMillis(), attributes.size());
  }

  /**
   * {@code crl}, once it is known to be issued and signed by {@code ca} and to carry a
   * nextUpdate; {@code origin} names it in the error otherwise ("the CRL from http://...").
   */
  static X509CRL requireSignedBy(X509CRL crl, X509Certificate ca, String origin) {
    if (!crl.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
      throw new PkiException(origin + " is issued by "
          + crl.getIssuerX500Principal().getName() + ", not by this deployment's CA");
    }
    try {
      crl.verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new PkiException(origin + " is not signed by this deployment's CA", e);
    }
    if (crl.getNextUpdate() == null) {
      throw new PkiException(origin + " has no nextUpdate; make it with 'pki crl'");
    }
    return crl;
  }

  private static boolean sameFile(Loaded known, BasicFileAttributes attributes) {
    return known != null && Objects.equals(known.fileKey(), attributes.fileKey())
        && known.modifiedMillis() == attributes.lastModifiedTime().toMillis()
        && known.sizeBytes() == attributes.size();
  }

  private BasicFileAttributes attributes() {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      throw new PkiException("cannot read the CRL " + file + ": " + e.getMessage()
          + "; every endpoint needs the CA's current CRL (make one with 'pki crl')", e);
    }
  }

  private static int count(X509CRL crl) {
    return crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size();
  }
}
