package io.micropay.pki.client;

import io.micropay.pki.PkiException;
import io.micropay.pki.TlsFactory;
import io.micropay.pki.Validity;
import io.micropay.pki.x509.Pem;
import io.micropay.pki.x509.Subjects;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews a running process's certificate by itself: when two thirds of its lifetime has passed
 * ({@link Validity#renewalDue}), it asks the CA service over mutual TLS for a new certificate for
 * the same key, writes it over the certificate file and makes the {@link TlsFactory} present it
 * from the next handshake on; connections open now are not touched. A failed attempt is logged
 * and tried again, a tenth of the time left later (between {@link #MIN_RETRY} and
 * {@link #MAX_RETRY}), until the old certificate runs out.
 */
public final class CertificateRenewal implements AutoCloseable {
  static final Duration MIN_RETRY = Duration.ofSeconds(1);
  static final Duration MAX_RETRY = Duration.ofMinutes(10);
  private static final Logger LOG = LoggerFactory.getLogger(CertificateRenewal.class);

  private final TlsFactory tls;
  private final CaClient client;
  private final Path certificateFile;
  private final Renewed renewed;
  private final Clock clock;
  private final ScheduledExecutorService timer;

  /** Told when a renewed certificate is in use, on the renewal's own thread. */
  @FunctionalInterface
  public interface Renewed {
    void renewed(X509Certificate certificate);
  }

  private CertificateRenewal(TlsFactory tls, URI service, Path certificateFile, Renewed renewed,
      Clock clock) {
    this.tls = tls;
    this.client = new CaClient(service);
    this.certificateFile = certificateFile;
    this.renewed = renewed;
    this.clock = clock;
    this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "certificate-renewal");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Starts renewing {@code tls}'s certificate with the CA service at {@code service}; the first
   * renewal comes at two thirds of the current certificate's lifetime (at once if that passed).
   */
  public static CertificateRenewal start(TlsFactory tls, URI service, Path certificateFile,
      Renewed renewed, Clock clock) {
    CertificateRenewal renewal = new CertificateRenewal(tls, service, certificateFile, renewed,
        clock);
    renewal.scheduleAt(Validity.of(tls.certificate()).renewalDue());
    return renewal;
  }

  /**
   * Starts renewing when {@code layout}'s folder names a CA service ({@code ca-service.url},
   * written by enrollment); a deployment without one renews by hand, as before.
   */
  public static java.util.Optional<CertificateRenewal> startIfKnown(TlsFactory tls,
      io.micropay.pki.PkiLayout layout, Path certificateFile, Renewed renewed) {
    return CaServiceAddress.read(layout).map(service -> start(tls, service, certificateFile,
        renewed, Clock.systemUTC()));
  }

  /**
   * Renews once, now: for {@code payment-peer renew}. Returns the new certificate, already
   * written to {@code certificateFile} and presented by {@code tls}.
   */
  public static X509Certificate renewNow(TlsFactory tls, URI service, Path certificateFile) {
    List<X509Certificate> chain = new CaClient(service).renew(tls);
    X509Certificate certificate = chain.get(0);
    tls.useRenewedCertificate(List.of(certificate));
    Pem.writeCertificates(certificateFile, List.of(certificate));
    return certificate;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  private void scheduleAt(Instant when) {
    long delayMillis = Math.max(0, Duration.between(clock.instant(), when).toMillis());
    LOG.info("{} ({}) renews at {}", Subjects.describe(tls.certificate()), certificateFile,
        when);
    timer.schedule(this::attempt, delayMillis, TimeUnit.MILLISECONDS);
  }

  private void attempt() {
    X509Certificate old = tls.certificate();
    try {
      X509Certificate fresh = renewNow(tls, client.service(), certificateFile);
      LOG.info("renewed {} as serial {}, valid until {}", Subjects.describe(old),
          Subjects.serialHex(fresh.getSerialNumber()), fresh.getNotAfter().toInstant());
      renewed.renewed(fresh);
      scheduleAt(Validity.of(fresh).renewalDue());
    } catch (PkiException | IllegalStateException e) {
      Duration left = Duration.between(clock.instant(), old.getNotAfter().toInstant());
      if (left.isNegative()) {
        LOG.error("could not renew {} before it expired ({}); enroll again with a new token",
            Subjects.describe(old), e.getMessage());
        return;
      }
      Duration retry = clamp(left.dividedBy(10));
      LOG.warn("could not renew {}: {}; trying again in {} s ({} s left)",
          Subjects.describe(old), e.getMessage(), retry.toSeconds(), left.toSeconds());
      timer.schedule(this::attempt, retry.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      LOG.error("renewal of {} failed; it is not tried again", Subjects.describe(old), e);
    }
  }

  private static Duration clamp(Duration retry) {
    return retry.compareTo(MIN_RETRY) < 0 ? MIN_RETRY
        : retry.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retry;
  }
}
