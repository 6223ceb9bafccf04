package io.micropay.pki;

import io.micropay.pki.x509.CaIndex;
import io.micropay.pki.x509.CaLock;
import io.micropay.pki.x509.CertificateSigner;
import io.micropay.pki.x509.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Makes a new CA in a folder: a self-signed root certificate, its key, an empty index and an
 * empty CRL. An existing CA is never overwritten by accident: without {@link ExistingCa#REPLACE}
 * the call fails, and with it the old files are moved aside into {@code replaced-<time>/}, not
 * deleted, because a CA key that is gone cannot be brought back.
 */
public final class CaInitializer {
  /** CA validity when none is given, in days (about ten years). */
  public static final int DEFAULT_CA_DAYS = 3650;
  /** The CA's name when none is given. */
  public static final String DEFAULT_CA_NAME = "micropay CA";
  /** The longest CA name, in characters (RFC 5280's upper bound for a CN). */
  public static final int MAX_CA_NAME_LENGTH = 64;

  private static final DateTimeFormatter FOLDER_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private CaInitializer() {
  }

  /** What to do when the folder already holds a CA. */
  public enum ExistingCa {
    /** Fail and change nothing. */
    REFUSE,
    /** Move the old CA's files aside and make a new one. */
    REPLACE
  }

  /**
   * The new CA.
   *
   * @param caCertificate the self-signed root
   * @param movedAside where the previous CA's files went, if there was one
   */
  public record Result(X509Certificate caCertificate, Optional<Path> movedAside) {
  }

  /** Makes a CA named {@code caName} in {@code layout}'s folder. */
  public static Result init(PkiLayout layout, String caName, KeyAlgorithm keyAlgorithm,
      int validityDays, int crlDays, Passphrase caPassphrase, ExistingCa existing, Clock clock) {
    if (caName.isBlank() || caName.length() > MAX_CA_NAME_LENGTH) {
      throw new PkiException("the CA name must be 1 to " + MAX_CA_NAME_LENGTH + " characters");
    }
    boolean exists = Files.exists(layout.caCertificate()) || Files.exists(layout.caKey());
    if (exists && existing == ExistingCa.REFUSE) {
      throw new PkiException("a CA already exists in " + layout.directory()
          + "; it was left untouched. Use --force to replace it (its files are moved aside)");
    }
    try (CaLock lock = CaLock.acquire(layout.lockFile())) {
      Optional<Path> movedAside = exists ? Optional.of(moveAside(layout, clock.instant()))
          : Optional.empty();
      SecureRandom random = new SecureRandom();
      KeyPair keyPair = keyAlgorithm.generate(random);
      Instant now = clock.instant();
      X509Certificate ca = CertificateSigner.selfSignedCa(keyPair, caName,
          Validity.days(now, validityDays), random);
      Pem.writePrivateKey(layout.caKey(), keyPair.getPrivate(), caPassphrase);
      CaIndex.write(layout.index(), List.of());
      Pem.writeCrl(layout.crl(), CertificateSigner.forCa(ca, keyPair.getPrivate(), random)
          .signCrl(List.of(), BigInteger.ONE, now, now.plus(Duration.ofDays(crlDays))));
      // The certificate is written last: its presence is what marks the folder as a CA.
      Pem.writeCertificates(layout.caCertificate(), List.of(ca));
      return new Result(ca, movedAside);
    }
  }

  private static Path moveAside(PkiLayout layout, Instant now) {
    Path target = layout.directory().resolve("replaced-" + FOLDER_TIME.format(now));
    try {
      Files.createDirectories(target);
      try (Stream<Path> children = Files.list(layout.directory())) {
        for (Path child : children.toList()) {
          String name = child.getFileName().toString();
          if (name.startsWith("replaced-") || name.equals("README.md")
              || child.equals(layout.lockFile())) {
            continue;
          }
          Files.move(child, target.resolve(name));
        }
      }
      return target;
    } catch (IOException e) {
      throw new PkiException("cannot move the old CA aside into " + target + ": "
          + e.getMessage(), e);
    }
  }
}
