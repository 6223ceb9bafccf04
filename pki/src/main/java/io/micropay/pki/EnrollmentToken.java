package io.micropay.pki;

import io.micropay.rules.AccountNames;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A one-time enrollment token, as {@code pki token} prints it and {@code payment-peer enroll}
 * takes it: {@code mpt1:<account name>:<secret>:<CA fingerprint>}. The secret (256 random bits)
 * is what the CA checks; it keeps only its SHA-256. The fingerprint is the SHA-256 of the CA
 * certificate, so the peer can check that the CA service it reached is the one the operator meant
 * before it trusts anything it sends (the way {@code step ca bootstrap --fingerprint} does).
 *
 * @param accountName the only name the token can enroll
 * @param secret the secret, base64url without padding
 * @param caFingerprint the CA certificate's SHA-256, lower-case hex
 */
public record EnrollmentToken(String accountName, String secret, String caFingerprint) {
  /** How every token begins: the format's version. */
  public static final String PREFIX = "mpt1";
  /** The longest token text accepted, in characters. */
  public static final int MAX_LENGTH = 200;

  private static final int SECRET_BYTES = 32;
  private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");

  public EnrollmentToken {
    AccountNames.requireValid(accountName, PkiException::new);
    if (!SECRET.matcher(secret).matches()) {
      throw new PkiException("the token's secret is damaged (expected 43 base64url "
          + "characters); copy the whole token that 'pki token' printed");
    }
    if (!FINGERPRINT.matcher(caFingerprint).matches()) {
      throw new PkiException("the token's CA fingerprint is damaged (expected 64 hex digits)");
    }
  }

  /** A new token for {@code accountName} from the CA {@code ca}. */
  public static EnrollmentToken create(String accountName, X509Certificate ca,
      SecureRandom random) {
    byte[] secret = new byte[SECRET_BYTES];
    random.nextBytes(secret);
    return new EnrollmentToken(accountName,
        Base64.getUrlEncoder().withoutPadding().encodeToString(secret), fingerprint(ca));
  }

  /** Reads a token as printed; throws PkiException saying what is wrong with it. */
  public static EnrollmentToken parse(String text) {
    String token = text.strip();
    if (token.length() > MAX_LENGTH) {
      throw new PkiException("that is not an enrollment token: it is longer than " + MAX_LENGTH
          + " characters");
    }
    String[] parts = token.split(":", -1);
    if (parts.length != 4 || !parts[0].equals(PREFIX)) {
      throw new PkiException("that is not an enrollment token: a token looks like "
          + PREFIX + ":<name>:<secret>:<fingerprint>, as 'pki token' prints it");
    }
    return new EnrollmentToken(parts[1], parts[2], parts[3]);
  }

  /** The SHA-256 of {@code certificate}'s encoding, lower-case hex. */
  public static String fingerprint(X509Certificate certificate) {
    try {
      return sha256(certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new PkiException("cannot encode certificate " + certificate.getSubjectX500Principal()
          + ": " + e.getMessage(), e);
    }
  }

  /** Whether {@code fingerprint} (hex, any case, colons allowed) is this token's. */
  public boolean matchesFingerprint(String fingerprint) {
    return MessageDigest.isEqual(caFingerprint.getBytes(StandardCharsets.US_ASCII),
        fingerprint.replace(":", "").toLowerCase(Locale.ROOT)
            .getBytes(StandardCharsets.US_ASCII));
  }

  /** The SHA-256 of the secret, lower-case hex: all the CA keeps of it. */
  public String secretHash() {
    return sha256(secret.getBytes(StandardCharsets.US_ASCII));
  }

  /** The token as printed, on one line. */
  public String text() {
    return String.join(":", PREFIX, accountName, secret, caFingerprint);
  }

  /** The token without its secret, for logs. */
  @Override
  public String toString() {
    return PREFIX + ":" + accountName + ":<secret>:" + caFingerprint.substring(0, 16) + "...";
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
