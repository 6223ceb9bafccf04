package io.micropay.pki;

import io.micropay.pki.CertificateAuthority.ExistingCertificate;
import io.micropay.pki.CertificateAuthority.Issued;
import io.micropay.pki.x509.CaLock;
import io.micropay.pki.x509.CsrPolicy;
import io.micropay.pki.x509.SecureFiles;
import io.micropay.pki.x509.SecureFiles.Visibility;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * One-time enrollment tokens and their use, kept beside the CA's index in {@code tokens.txt}:
 * one line per token with the SHA-256 of its secret (never the secret), the name it enrolls,
 * when it was made and expires, and when it was used and for which certificate. A token enrolls
 * exactly its name, once, before it expires; every change happens under the CA folder's lock.
 */
public final class Enrollments {
  /** How long a token lives when no {@code --ttl} is given. */
  public static final Duration DEFAULT_TOKEN_TTL = Duration.ofHours(1);
  /** The longest a token may live. */
  public static final Duration MAX_TOKEN_TTL = Duration.ofDays(30);
  /** Token lines kept at most; the file is refused beyond, rather than read without bound. */
  public static final int MAX_RECORDS = 100_000;

  private static final String NOT_YET = "-";

  private final CertificateAuthority ca;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public Enrollments(CertificateAuthority ca, Clock clock) {
    this.ca = ca;
    this.clock = clock;
  }

  /** Why a token was refused; each has its own one-line message. */
  public enum Refusal { UNKNOWN, USED, EXPIRED, OTHER_NAME, OTHER_CA }

  /** A token refused, and why. */
  public static final class RefusedTokenException extends PkiException {
    private final Refusal refusal;

    RefusedTokenException(Refusal refusal, String message) {
      super(message);
      this.refusal = refusal;
    }

    public Refusal refusal() {
      return refusal;
    }
  }

  /** One token line. */
  record TokenRecord(String secretHash, String accountName, Instant issuedAt, Instant expiresAt,
      ExistingCertificate existing, Optional<Instant> usedAt, String serialHex) {
    TokenRecord used(Instant when, String serial) {
      return new TokenRecord(secretHash, accountName, issuedAt, expiresAt, existing,
          Optional.of(when), serial);
    }
  }

  /**
   * A new token for {@code accountName}, valid for {@code ttl}. With
   * {@link ExistingCertificate#RENEW} the enrollment replaces a valid certificate of that name
   * (revoked as superseded); otherwise it is refused while one exists.
   */
  public EnrollmentToken issue(String accountName, Duration ttl, ExistingCertificate existing) {
    if (ttl.compareTo(Duration.ofMinutes(1)) < 0 || ttl.compareTo(MAX_TOKEN_TTL) > 0) {
      throw new PkiException("a token lifetime of " + ttl + " is out of range 1 minute.."
          + MAX_TOKEN_TTL.toDays() + " days");
    }
    EnrollmentToken token = EnrollmentToken.create(accountName, ca.caCertificate(), random);
    Instant now = clock.instant();
    try (CaLock lock = CaLock.acquire(ca.layout().lockFile())) {
      List<TokenRecord> records = new ArrayList<>(read());
      records.add(new TokenRecord(token.secretHash(), accountName, now, now.plus(ttl),
          existing, Optional.empty(), NOT_YET));
      write(records);
    }
    return token;
  }

  /**
   * Enrolls {@code csr} with {@code token}: checks the token (this CA's, issued here, unused,
   * unexpired, for the request's name), spends it, and signs the request as a peer certificate.
   * A token is spent before the signature, so a crash in between loses the token, never lets it
   * enroll twice; a request the CA refuses gives the token back.
   *
   * @throws RefusedTokenException saying why the token is refused
   */
  public Issued redeem(EnrollmentToken token, PKCS10CertificationRequest csr,
      Validity validity) {
    String name = CsrPolicy.check(csr, Role.PEER).commonName();
    Instant now = clock.instant();
    try (CaLock lock = CaLock.acquire(ca.layout().lockFile())) {
      List<TokenRecord> records = new ArrayList<>(read());
      int index = find(records, token);
      TokenRecord record = records.get(index);
      refuseIfUnusable(record, name, now);
      records.set(index, record.used(now, NOT_YET));
      write(records);
      Issued issued;
      try {
        issued = ca.sign(csr, Role.PEER, List.of(), validity, record.existing());
      } catch (RuntimeException e) {
        records.set(index, record);
        write(records);
        throw e;
      }
      records.set(index, record.used(now, issued.entry().serialHex()));
      write(records);
      return issued;
    }
  }

  private int find(List<TokenRecord> records, EnrollmentToken token) {
    if (!token.matchesFingerprint(EnrollmentToken.fingerprint(ca.caCertificate()))) {
      throw new RefusedTokenException(Refusal.OTHER_CA, "this token is for another CA (its "
          + "fingerprint is not this CA's): use a token from this CA's 'pki token'");
    }
    String hash = token.secretHash();
    for (int i = 0; i < records.size(); i++) {
      if (records.get(i).secretHash().equals(hash)) {
        return i;
      }
    }
    throw new RefusedTokenException(Refusal.UNKNOWN, "this CA never issued that token "
        + "(mistyped?); ask the operator for one: pki token " + token.accountName());
  }

  private static void refuseIfUnusable(TokenRecord record, String name, Instant now) {
    if (record.usedAt().isPresent()) {
      throw new RefusedTokenException(Refusal.USED, "this token was already used, on "
          + record.usedAt().get() + (record.serialHex().equals(NOT_YET) ? ""
              : " (certificate serial " + record.serialHex() + ")")
          + "; a token enrolls once: ask the operator for a new one: pki token "
          + record.accountName());
    }
    if (now.isAfter(record.expiresAt())) {
      throw new RefusedTokenException(Refusal.EXPIRED, "this token expired at "
          + record.expiresAt() + "; ask the operator for a new one: pki token "
          + record.accountName());
    }
    if (!record.accountName().equals(name)) {
      throw new RefusedTokenException(Refusal.OTHER_NAME, "this token is for '"
          + record.accountName() + "', not for '" + name + "'");
    }
  }

  List<TokenRecord> read() {
    Path file = ca.layout().tokens();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new PkiException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (lines.size() > MAX_RECORDS) {
      throw new PkiException(file + " has more than " + MAX_RECORDS + " tokens; move it aside "
          + "to start a new one (used tokens are only history)");
    }
    List<TokenRecord> records = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).isBlank()) {
        records.add(parse(file, i + 1, lines.get(i)));
      }
    }
    return records;
  }

  private void write(List<TokenRecord> records) {
    StringBuilder text = new StringBuilder();
    for (TokenRecord record : records) {
      text.append(String.join("\t", record.secretHash(), record.accountName(),
          record.issuedAt().toString(), record.expiresAt().toString(),
          record.existing().name().toLowerCase(Locale.ROOT),
          record.usedAt().map(Instant::toString).orElse(NOT_YET), record.serialHex()))
          .append('\n');
    }
    // Owner-only: the hashes are no use to anyone, but which names wait to enroll is the CA's.
    SecureFiles.write(ca.layout().tokens(), text.toString().getBytes(StandardCharsets.UTF_8),
        Visibility.OWNER_ONLY);
  }

  private static TokenRecord parse(Path file, int lineNumber, String line) {
    String[] fields = line.split("\t", -1);
    try {
      if (fields.length != 7) {
        throw new IllegalArgumentException("expected 7 tab-separated fields, found "
            + fields.length);
      }
      return new TokenRecord(fields[0], fields[1], Instant.parse(fields[2]),
          Instant.parse(fields[3]),
          ExistingCertificate.valueOf(fields[4].toUpperCase(Locale.ROOT)),
          fields[5].equals(NOT_YET) ? Optional.empty() : Optional.of(Instant.parse(fields[5])),
          fields[6]);
    } catch (RuntimeException e) {
      throw new PkiException(file + " line " + lineNumber + " is damaged: " + e.getMessage(), e);
    }
  }
}
