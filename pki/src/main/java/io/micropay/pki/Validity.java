package io.micropay.pki;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * When a certificate is valid: from {@code notBefore} to {@code notAfter}, both inclusive.
 *
 * @param notBefore the first instant the certificate is valid
 * @param notAfter the last instant the certificate is valid
 */
public record Validity(Instant notBefore, Instant notAfter) {
  /**
   * How far notBefore is set before "now", so that a certificate made on one machine is already
   * valid on another whose clock runs a little behind.
   */
  public static final Duration CLOCK_SKEW_BACKDATE = Duration.ofHours(1);

  /** The longest validity the CA accepts, in days (about 30 years). */
  public static final int MAX_DAYS = 11_000;

  public Validity {
    if (!notAfter.isAfter(notBefore)) {
      throw new PkiException("notAfter " + notAfter + " must be after notBefore " + notBefore);
    }
    notBefore = notBefore.truncatedTo(ChronoUnit.SECONDS);
    notAfter = notAfter.truncatedTo(ChronoUnit.SECONDS);
  }

  /** Valid from a little before {@code now} for {@code days} days after {@code now}. */
  public static Validity days(Instant now, int days) {
    if (days < 1 || days > MAX_DAYS) {
      throw new PkiException("validity of " + days + " days is out of range 1.." + MAX_DAYS);
    }
    return new Validity(now.minus(CLOCK_SKEW_BACKDATE), now.plus(Duration.ofDays(days)));
  }

  /** The shortest lifetime {@link #lifetime} accepts: renewal needs some room to work in. */
  public static final Duration MIN_LIFETIME = Duration.ofSeconds(5);

  /**
   * Valid from a little before {@code now} for {@code lifetime} after it. The start is backdated
   * by {@link #CLOCK_SKEW_BACKDATE}, or by a tenth of the lifetime when that is shorter, so that a
   * short-lived certificate is not mostly spent before it is issued (renewal comes at two thirds
   * of the whole period).
   */
  public static Validity lifetime(Instant now, Duration lifetime) {
    if (lifetime.compareTo(MIN_LIFETIME) < 0
        || lifetime.compareTo(Duration.ofDays(MAX_DAYS)) > 0) {
      throw new PkiException("a lifetime of " + lifetime + " is out of range "
          + MIN_LIFETIME.toSeconds() + " s.." + MAX_DAYS + " days");
    }
    Duration backdate = lifetime.dividedBy(10).compareTo(CLOCK_SKEW_BACKDATE) < 0
        ? lifetime.dividedBy(10) : CLOCK_SKEW_BACKDATE;
    return new Validity(now.minus(backdate), now.plus(lifetime));
  }

  /** The validity period of {@code certificate}. */
  public static Validity of(java.security.cert.X509Certificate certificate) {
    return new Validity(certificate.getNotBefore().toInstant(),
        certificate.getNotAfter().toInstant());
  }

  /**
   * When a certificate of this validity is renewed: once two thirds of it has passed, which
   * leaves a third of the lifetime to try again while the CA service is down.
   */
  public Instant renewalDue() {
    return notBefore.plus(length().multipliedBy(2).dividedBy(3));
  }

  /** How long the whole period is. */
  public Duration length() {
    return Duration.between(notBefore, notAfter);
  }

  /** Whether {@code instant} lies inside this validity period. */
  public boolean contains(Instant instant) {
    return !instant.isBefore(notBefore) && !instant.isAfter(notAfter);
  }
}
