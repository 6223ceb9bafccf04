package io.micropay.pki.service;

import io.micropay.pki.Passphrase;
import io.micropay.pki.PkiException;
import io.micropay.pki.PkiLayout;
import io.micropay.pki.Validity;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.x509.GeneralName;

/**
 * How {@code pki serve} runs, checked once when made.
 *
 * @param layout the CA folder
 * @param caPassphrase the CA key's passphrase, if it is encrypted
 * @param bind the address both ports listen on
 * @param host the name or address clients reach the service at: it goes into the OCSP and CRL
 *     URLs of every certificate, and into the service's own certificate
 * @param httpsPort enrollment, renewal and revocation (0 picks a free port)
 * @param httpPort OCSP and the CRL, plain HTTP (0 picks a free port)
 * @param serviceNames the subject alternative names of the service's own certificate
 * @param lifetime how long the certificates it issues are valid
 * @param crlValidity how long each CRL it publishes stays fresh
 * @param requestsPerSecond requests one address may make per second (and in a burst)
 * @param maxTokenFailures refused enrollment tokens one address may send per
 *     {@link #TOKEN_FAILURE_WINDOW} before its enrollments are refused unread
 */
public record ServiceConfig(PkiLayout layout, Passphrase caPassphrase, InetAddress bind,
    String host, int httpsPort, int httpPort, List<GeneralName> serviceNames, Duration lifetime,
    Duration crlValidity, int requestsPerSecond, int maxTokenFailures) {
  /** The lifetime of issued certificates when none is given; see docs/pki.md. */
  public static final Duration DEFAULT_LIFETIME = Duration.ofDays(7);
  /** How long a published CRL stays fresh when nothing else is said. */
  public static final Duration DEFAULT_CRL_VALIDITY = Duration.ofDays(1);
  /** The window the token failures of one address are counted in. */
  public static final Duration TOKEN_FAILURE_WINDOW = Duration.ofMinutes(15);
  /** The most requests per second per address that may be allowed. */
  public static final int MAX_REQUESTS_PER_SECOND = 10_000;

  public ServiceConfig {
    serviceNames = List.copyOf(serviceNames);
    if (serviceNames.isEmpty()) {
      throw new PkiException("the service's certificate needs at least one --san");
    }
    requirePort("--port", httpsPort);
    requirePort("--http-port", httpPort);
    if (httpsPort != 0 && httpsPort == httpPort) {
      throw new PkiException("--port and --http-port must differ, both are " + httpsPort);
    }
    Validity.lifetime(java.time.Instant.now(), lifetime);
    if (crlValidity.compareTo(Duration.ofMinutes(1)) < 0
        || crlValidity.compareTo(Duration.ofDays(Validity.MAX_DAYS)) > 0) {
      throw new PkiException("--crl-validity of " + crlValidity + " is out of range 1m.."
          + Validity.MAX_DAYS + "d");
    }
    if (requestsPerSecond < 1 || requestsPerSecond > MAX_REQUESTS_PER_SECOND) {
      throw new PkiException("--max-requests-per-second must be 1.." + MAX_REQUESTS_PER_SECOND
          + ", was " + requestsPerSecond);
    }
    if (maxTokenFailures < 1 || maxTokenFailures > 1_000) {
      throw new PkiException("--max-token-failures must be 1..1000, was " + maxTokenFailures);
    }
  }

  private static void requirePort(String option, int port) {
    if (port < 0 || port > 65_535) {
      throw new PkiException(option + " must be 0..65535, was " + port);
    }
  }
}
