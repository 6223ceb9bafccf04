package io.micropay.pki.cli;

import io.micropay.cli.DurationConverter;
import io.micropay.pki.PkiException;
import io.micropay.pki.Validity;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Option;

/** How long a new certificate is valid: a number of days from now, or explicit instants. */
final class ValidityOptions {
  @Option(names = "--days", paramLabel = "<days>",
      description = "Valid for this many days from now (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--lifetime", paramLabel = "<duration>", converter = DurationConverter.class,
      description = "Valid for this long from now instead of --days, e.g. 7d or 12h.")
  Duration lifetime;

  @Option(names = "--not-before", paramLabel = "<instant>",
      description = "Explicit start of validity, e.g. 2026-01-01T00:00:00Z (with --not-after).")
  Instant notBefore;

  @Option(names = "--not-after", paramLabel = "<instant>",
      description = "Explicit end of validity, e.g. 2027-01-01T00:00:00Z (with --not-before).")
  Instant notAfter;

  ValidityOptions(int defaultDays) {
    this.days = defaultDays;
  }

  Validity validity(Instant now) {
    if ((notBefore == null) != (notAfter == null)) {
      throw new PkiException("--not-before and --not-after go together");
    }
    if (notBefore != null) {
      return new Validity(notBefore, notAfter);
    }
    return lifetime != null ? Validity.lifetime(now, lifetime) : Validity.days(now, days);
  }
}
