package io.micropay.pki.service;

import io.micropay.pki.CertificateAuthority;
import io.micropay.pki.CertificateAuthority.ExistingCertificate;
import io.micropay.pki.CertificateAuthority.LeafRequest;
import io.micropay.pki.KeyAlgorithm;
import io.micropay.pki.Passphrase;
import io.micropay.pki.PkiException;
import io.micropay.pki.PkiLayout;
import io.micropay.pki.Role;
import io.micropay.pki.Validity;
import io.micropay.pki.tls.RenewableKeyManager;
import io.micropay.pki.x509.CertificateChecker;
import io.micropay.pki.x509.CertificateRejectedException;
import io.micropay.pki.x509.Pem;
import io.micropay.pki.x509.SubjectAltNames;
import io.micropay.pki.x509.Subjects;
import io.micropay.pki.x509.VerifiedSignatures;
import java.nio.file.Files;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What keeps the CA service in order while it runs: its own TLS certificate ({@code OU=ca-service},
 * in the CA folder), issued by the CA it serves and renewed in place at two thirds of its
 * lifetime; and the CRL, republished whenever less than half of the service's CRL validity is
 * left (or more than all of it, after a {@code pki revoke --crl-days 30} on the CA host), so the
 * endpoints that fetch it never find it stale while the service is up.
 */
final class ServiceIdentity {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceIdentity.class);

  private final CertificateAuthority ca;
  private final ServiceConfig config;
  private final Clock clock;
  private final RenewableKeyManager keyManager;

  private ServiceIdentity(CertificateAuthority ca, ServiceConfig config, Clock clock,
      RenewableKeyManager keyManager) {
    this.ca = ca;
    this.config = config;
    this.clock = clock;
    this.keyManager = keyManager;
  }

  /** The service's identity: the one in the CA folder if it is still good, else a new one. */
  static ServiceIdentity loadOrIssue(CertificateAuthority ca, ServiceConfig config,
      Clock clock) {
    PkiLayout layout = ca.layout();
    RenewableKeyManager.Identity identity = null;
    if (Files.exists(layout.caServiceCertificate()) && Files.exists(layout.caServiceKey())) {
      X509Certificate certificate = Pem.readCertificate(layout.caServiceCertificate());
      if (stillGood(ca, certificate, config, clock.instant())) {
        PrivateKey key = Pem.readPrivateKey(layout.caServiceKey(), Passphrase.none());
        identity = new RenewableKeyManager.Identity(List.of(certificate, ca.caCertificate()),
            key);
      }
    }
    ServiceIdentity service = new ServiceIdentity(ca, config, clock,
        new RenewableKeyManager(identity != null ? identity : issue(ca, config, clock)));
    service.keepCrlFresh();
    return service;
  }

  RenewableKeyManager keyManager() {
    return keyManager;
  }

  /** How often {@link #upkeep} should run: often enough for the shortest lifetime in play. */
  Duration upkeepInterval() {
    Duration shortest = config.lifetime().compareTo(config.crlValidity()) < 0
        ? config.lifetime() : config.crlValidity();
    Duration interval = shortest.dividedBy(20);
    return interval.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
        : interval.compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : interval;
  }

  /** Renews the service's certificate when it is due, and republishes the CRL when due. */
  void upkeep() {
    try {
      X509Certificate current = keyManager.current().certificate();
      if (!clock.instant().isBefore(Validity.of(current).renewalDue())) {
        keyManager.replace(issue(ca, config, clock));
      }
      keepCrlFresh();
    } catch (RuntimeException e) {
      LOG.error("upkeep of the CA service failed; trying again in {} s",
          upkeepInterval().toSeconds(), e);
    }
  }

  private void keepCrlFresh() {
    X509CRL crl = Pem.readCrl(ca.layout().crl());
    Instant now = clock.instant();
    Instant nextUpdate = crl.getNextUpdate().toInstant();
    Duration left = Duration.between(now, nextUpdate);
    if (left.compareTo(config.crlValidity().dividedBy(2)) < 0
        || left.compareTo(config.crlValidity()) > 0) {
      X509CRL fresh = ca.publishCrl(config.crlValidity());
      LOG.info("published CRL with next update {} (it was {})",
          fresh.getNextUpdate().toInstant(), nextUpdate);
    }
  }

  private static boolean stillGood(CertificateAuthority ca, X509Certificate certificate,
      ServiceConfig config, Instant now) {
    try {
      CertificateChecker.checkSignedAndInDate(certificate,
          VerifiedSignatures.uncached(ca.caCertificate()), now);
    } catch (CertificateRejectedException e) {
      return false;
    }
    List<String> names = SubjectAltNames.of(certificate).stream().map(SubjectAltNames::text)
        .toList();
    List<String> wanted = config.serviceNames().stream().map(SubjectAltNames::text).toList();
    return now.isBefore(Validity.of(certificate).renewalDue()) && names.equals(wanted)
        && Subjects.commonName(certificate).orElse("").equals(config.host())
        && ca.verify(certificate).isEmpty();
  }

  private static RenewableKeyManager.Identity issue(CertificateAuthority ca,
      ServiceConfig config, Clock clock) {
    PkiLayout layout = ca.layout();
    CertificateAuthority.Issued issued = ca.issueWithNewKey(new LeafRequest(Role.CA_SERVICE,
            config.host(), config.serviceNames(),
            Validity.lifetime(clock.instant(), config.lifetime()), ExistingCertificate.OVERLAP),
        KeyAlgorithm.EC_P256, Passphrase.none(), layout.caServiceCertificate(),
        layout.caServiceKey());
    LOG.info("issued the CA service's own certificate {} serial {}, valid until {}",
        issued.entry().subject(), issued.entry().serialHex(), issued.entry().notAfter());
    if (issued.certificate() == null) {
      throw new PkiException("issuing the service certificate returned nothing");
    }
    return new RenewableKeyManager.Identity(
        List.of(issued.certificate(), ca.caCertificate()),
        Pem.readPrivateKey(layout.caServiceKey(), Passphrase.none()));
  }
}
