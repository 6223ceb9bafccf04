package io.micropay.pki.x509;

import io.micropay.pki.IssuedCertificate;
import io.micropay.pki.PkiException;
import io.micropay.pki.RevocationReason;
import io.micropay.pki.Role;
import io.micropay.pki.x509.SecureFiles.Visibility;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The CA's record of every certificate it issued, in the tab-separated format of OpenSSL's
 * {@code index.txt} (status, expiry, revocation, serial, file, subject), so that
 * {@code openssl ca} and easy-rsa users can read it. Status letters: V valid, R revoked.
 */
public final class CaIndex {
  /** The most lines read from an index: far more certificates than a micropay CA issues. */
  public static final int MAX_ENTRIES = 1_000_000;

  private static final DateTimeFormatter UTC_TIME =
      DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter GENERALIZED_TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
  /** RFC 5280: UTCTime up to 2049, GeneralizedTime from 2050 on, as OpenSSL writes them. */
  private static final int FIRST_GENERALIZED_YEAR = 2050;

  private CaIndex() {
  }

  /** Every entry of the index at {@code file}; an absent file is an empty index. */
  public static List<IssuedCertificate> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new PkiException("cannot read the CA index " + file + ": " + e.getMessage(), e);
    }
    if (lines.size() > MAX_ENTRIES) {
      throw new PkiException("the CA index " + file + " has more than " + MAX_ENTRIES + " lines");
    }
    List<IssuedCertificate> entries = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).isBlank()) {
        entries.add(parse(file, i + 1, lines.get(i)));
      }
    }
    return entries;
  }

  /** Replaces the index at {@code file} with {@code entries}, atomically. */
  public static void write(Path file, List<IssuedCertificate> entries) {
    StringBuilder text = new StringBuilder();
    for (IssuedCertificate entry : entries) {
      text.append(format(entry)).append('\n');
    }
    SecureFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8), Visibility.PUBLIC);
  }

  static String format(IssuedCertificate entry) {
    String revocation = entry.revokedAt()
        .map(when -> time(when) + "," + entry.revocationReason()
            .orElse(RevocationReason.UNSPECIFIED).openSslName())
        .orElse("");
    return String.join("\t", entry.revokedAt().isPresent() ? "R" : "V", time(entry.notAfter()),
        revocation, entry.serialHex(), "unknown", entry.subject());
  }

  private static IssuedCertificate parse(Path file, int lineNumber, String line) {
    String[] fields = line.split("\t", -1);
    if (fields.length != 6) {
      throw badLine(file, lineNumber, "expected 6 tab-separated fields, found " + fields.length);
    }
    try {
      Instant notAfter = parseTime(fields[1]);
      Optional<Instant> revokedAt = Optional.empty();
      Optional<RevocationReason> reason = Optional.empty();
      if (fields[0].equals("R")) {
        String[] revocation = fields[2].split(",", 2);
        revokedAt = Optional.of(parseTime(revocation[0]));
        reason = Optional.of(revocation.length == 2
            ? RevocationReason.parse(revocation[1]) : RevocationReason.UNSPECIFIED);
      } else if (!fields[0].equals("V") && !fields[0].equals("E")) {
        throw badLine(file, lineNumber, "unknown status '" + fields[0] + "'");
      }
      String subject = fields[5];
      return new IssuedCertificate(fields[3], subject, attribute(subject, "CN").orElse(""),
          attribute(subject, "OU").flatMap(Role::fromOrganisationalUnit), notAfter, revokedAt,
          reason);
    } catch (RuntimeException e) {
      if (e instanceof PkiException pki) {
        throw pki;
      }
      throw badLine(file, lineNumber, e.getMessage());
    }
  }

  private static Optional<String> attribute(String openSslSubject, String label) {
    for (String part : openSslSubject.split("/")) {
      if (part.startsWith(label + "=")) {
        return Optional.of(part.substring(label.length() + 1));
      }
    }
    return Optional.empty();
  }

  private static String time(Instant instant) {
    ZonedDateTime utc = instant.atZone(ZoneOffset.UTC);
    return (utc.getYear() < FIRST_GENERALIZED_YEAR ? UTC_TIME : GENERALIZED_TIME).format(instant);
  }

  private static Instant parseTime(String text) {
    if (text.length() == 13) {
      // Two-digit years are 1950-2049 (RFC 5280 section 4.1.2.5.1).
      int year = Integer.parseInt(text.substring(0, 2));
      String fullYear = (year >= 50 ? "19" : "20") + text;
      return GENERALIZED_TIME.parse(fullYear, Instant::from);
    }
    return GENERALIZED_TIME.parse(text, Instant::from);
  }

  private static PkiException badLine(Path file, int lineNumber, String why) {
    return new PkiException("the CA index " + file + " line " + lineNumber + " is damaged: " + why);
  }
}
