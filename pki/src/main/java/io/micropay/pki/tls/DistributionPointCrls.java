package io.micropay.pki.tls;

import io.micropay.pki.PkiException;
import io.micropay.pki.x509.RevocationPointers;
import io.micropay.pki.x509.Subjects;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Revocation learnt from the CA service, with no file carried by hand: each certificate's CRL
 * comes from the distribution point it names (the CA wrote that URL and signed it), fetched and
 * kept by a {@link RemoteCrl} per URL. A revocation reaches this endpoint within
 * {@link #DEFAULT_REFRESH} plus one fetch; a running payment server checks its live sessions each
 * second, so it ends a revoked peer's session that soon too.
 */
public final class DistributionPointCrls implements RevocationSource {
  /** How long one answer from the CA service is used before it is asked again. */
  public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(5);
  /** Distinct distribution points followed at most (a deployment has one). */
  public static final int MAX_DISTRIBUTION_POINTS = 8;

  private final X509Certificate ca;
  private final Path cacheDirectory;
  private final Clock clock;
  private final Duration refresh;
  private final Map<URI, RemoteCrl> points = new ConcurrentHashMap<>();

  /**
   * @param ca the CA whose CRLs are accepted
   * @param cacheDirectory where the last good CRL of each point is kept
   * @param refresh how long an answer is used before the CA service is asked again
   */
  public DistributionPointCrls(X509Certificate ca, Path cacheDirectory, Clock clock,
      Duration refresh) {
    if (refresh.isNegative() || refresh.isZero()) {
      throw new IllegalArgumentException("the refresh interval must be positive, not " + refresh);
    }
    this.ca = ca;
    this.cacheDirectory = cacheDirectory;
    this.clock = clock;
    this.refresh = refresh;
  }

  @Override
  public X509CRL crlFor(X509Certificate certificate) {
    URI url = RevocationPointers.crl(certificate).orElseThrow(() -> new PkiException(
        "certificate " + Subjects.describe(certificate) + " names no CRL distribution point "
            + "and this endpoint has no CRL file: its revocation cannot be checked (renew it "
            + "from the CA service, or put the CA's ca.crl in the ssl folder)"));
    RemoteCrl point = points.get(url);
    if (point == null) {
      if (points.size() >= MAX_DISTRIBUTION_POINTS) {
        throw new PkiException("certificate " + Subjects.describe(certificate) + " names a "
            + "CRL distribution point beyond the " + MAX_DISTRIBUTION_POINTS + " followed: "
            + url);
      }
      point = points.computeIfAbsent(url, key -> new RemoteCrl(key, ca, clock, refresh,
          cacheDirectory.resolve("crl-" + shortHash(key) + ".crl")));
    }
    return point.current();
  }

  @Override
  public String describe() {
    return "the CA service's CRL distribution points " + points.keySet();
  }

  private static String shortHash(URI url) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(url.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
