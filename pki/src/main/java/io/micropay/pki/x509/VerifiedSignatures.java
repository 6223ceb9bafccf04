package io.micropay.pki.x509;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Certificates whose signature the deployment's CA key has already verified, remembered by the
 * SHA-256 of their whole encoding (signature included). Whether a given certificate's signature
 * verifies with a given key never changes, and checking it is the most expensive step of
 * accepting a peer (a P-256 ECDSA verification, about a millisecond on Java 17). The JDK caches
 * the result only on the certificate object; a resumed TLS session's certificates are new
 * objects decoded from its ticket, so micropay's check after every handshake verified the
 * signature again, and on resumed handshakes that was 70% of the server's CPU. Only the signature
 * is remembered: validity dates, role and revocation are checked every time, because those do
 * change. (A full handshake still costs one verification: the JDK's PKIX check makes its own.)
 *
 * <p>Bounded: past {@code maxEntries} distinct certificates it forgets them all and starts again,
 * which costs one verification per certificate and never a wrong answer. Only certificates the CA
 * signed get in, so nobody can fill it from outside.
 */
public final class VerifiedSignatures {
  /** Distinct certificates remembered at most; about 150 bytes each. */
  public static final int DEFAULT_MAX_ENTRIES = 16_384;

  private final X509Certificate ca;
  private final int maxEntries;
  private final Set<String> verified = ConcurrentHashMap.newKeySet();
  private final LongAdder verifications = new LongAdder();

  /**
   * @param ca the CA whose key signs the certificates checked
   * @param maxEntries certificates remembered at most; 0 remembers none (every call verifies)
   */
  public VerifiedSignatures(X509Certificate ca, int maxEntries) {
    if (maxEntries < 0) {
      throw new IllegalArgumentException("maxEntries must be 0 or more, not " + maxEntries);
    }
    this.ca = ca;
    this.maxEntries = maxEntries;
  }

  /** Remembers nothing: for one-off checks (the CLI, loading a file). */
  public static VerifiedSignatures uncached(X509Certificate ca) {
    return new VerifiedSignatures(ca, 0);
  }

  public X509Certificate ca() {
    return ca;
  }

  /**
   * Returns when {@code leaf}'s signature verifies with the CA's public key, now or at an earlier
   * call; throws otherwise. A failure is never remembered.
   */
  public void verify(X509Certificate leaf) throws GeneralSecurityException {
    if (maxEntries == 0) {
      verifyNow(leaf);
      return;
    }
    String digest = digest(leaf);
    if (verified.contains(digest)) {
      return;
    }
    verifyNow(leaf);
    if (verified.size() >= maxEntries) {
      verified.clear();
    }
    verified.add(digest);
  }

  /** How many certificates are remembered now. */
  public int size() {
    return verified.size();
  }

  /** How many signatures this instance has actually verified, not looked up. */
  public long verifications() {
    return verifications.sum();
  }

  private void verifyNow(X509Certificate leaf) throws GeneralSecurityException {
    verifications.increment();
    leaf.verify(ca.getPublicKey());
  }

  private static String digest(X509Certificate leaf) throws CertificateEncodingException {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
