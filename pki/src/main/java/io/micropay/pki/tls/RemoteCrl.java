package io.micropay.pki.tls;

import io.micropay.pki.PkiException;
import io.micropay.pki.http.HttpCalls;
import io.micropay.pki.x509.CertificateSigner;
import io.micropay.pki.x509.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CRL at one distribution point, fetched over HTTP and kept. An answer is used as it is for
 * {@code refresh}; after that the next check asks the CA service again (a conditional request:
 * the CRL number is the entity tag, so an unchanged CRL costs a 304), and every check meanwhile
 * waits for that one request, bounded by {@link #FETCH_DEADLINE}. When the service cannot be
 * reached, the last good CRL is used until its nextUpdate, and the service is asked again only
 * once per {@code refresh}; after nextUpdate every certificate is refused, with an error in the
 * log that says so. The last good CRL is also kept in a file, so a restart while the CA service
 * is down starts from it rather than from nothing.
 */
final class RemoteCrl {
  /** The longest one fetch may take, body included. */
  static final Duration FETCH_DEADLINE = Duration.ofSeconds(3);
  /** The largest CRL accepted, in bytes. */
  static final int MAX_CRL_BYTES = Pem.MAX_FILE_BYTES;

  private static final Logger LOG = LoggerFactory.getLogger(RemoteCrl.class);
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(FETCH_DEADLINE).followRedirects(HttpClient.Redirect.NEVER)
      .proxy(HttpClient.Builder.NO_PROXY).build();

  private final URI url;
  private final X509Certificate ca;
  private final Clock clock;
  private final Duration refresh;
  private final Path cacheFile;
  private volatile Answer good;
  private volatile Instant failedAt;
  private volatile String failure = "not asked yet";
  private volatile boolean refusing;
  private CompletableFuture<Void> inFlight;

  /** A CRL the CA signed and when the CA service last confirmed it as the current one. */
  private record Answer(X509CRL crl, BigInteger number, Instant confirmedAt) {
  }

  RemoteCrl(URI url, X509Certificate ca, Clock clock, Duration refresh, Path cacheFile) {
    this.url = url;
    this.ca = ca;
    this.clock = clock;
    this.refresh = refresh;
    this.cacheFile = cacheFile;
    this.good = readCache();
  }

  /** The current CRL; throws PkiException when there is no usable one (fail closed). */
  X509CRL current() {
    Answer answer = good;
    if (answer == null || isDue(answer, clock.instant())) {
      refresh();
      answer = good;
    }
    return usable(answer, clock.instant());
  }

  private boolean isDue(Answer answer, Instant now) {
    Instant lastFailure = failedAt;
    boolean backingOff = lastFailure != null && now.isBefore(lastFailure.plus(refresh));
    return !backingOff && !now.isBefore(answer.confirmedAt().plus(refresh));
  }

  private void refresh() {
    CompletableFuture<Void> pending;
    boolean mine = false;
    synchronized (this) {
      if (inFlight == null) {
        inFlight = new CompletableFuture<>();
        mine = true;
      }
      pending = inFlight;
    }
    if (mine) {
      try {
        fetch();
      } finally {
        synchronized (this) {
          inFlight = null;
        }
        pending.complete(null);
      }
      return;
    }
    try {
      pending.get(FETCH_DEADLINE.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // The fetching thread reports its own failure; this one goes on with what there is.
    }
  }

  private void fetch() {
    Answer known = good;
    Instant now = clock.instant();
    HttpRequest.Builder request = HttpRequest.newBuilder(url).GET().timeout(FETCH_DEADLINE)
        .header("Accept", "application/pkix-crl");
    if (known != null) {
      request.header("If-None-Match", entityTag(known.number()));
    }
    try {
      HttpCalls.Answer answer = HttpCalls.send(CLIENT, request.build(), FETCH_DEADLINE,
          MAX_CRL_BYTES);
      if (answer.status() == 304 && known != null) {
        good = new Answer(known.crl(), known.number(), now);
      } else if (answer.status() == 200) {
        accept(Pem.crlFromDer(answer.body(), "the CRL from " + url), known, now);
      } else {
        throw new IOException("HTTP " + answer.status() + " " + answer.text().lines()
            .findFirst().orElse(""));
      }
      if (failedAt != null) {
        LOG.info("the CA service answers again at {}", url);
      }
      failedAt = null;
    } catch (IOException | PkiException e) {
      failure = e.getMessage();
      if (failedAt == null) {
        LOG.warn("cannot fetch the CRL from {}: {}; {}", url, failure, known == null
            ? "no CRL from it yet, refusing its certificates"
            : "using CRL number " + known.number() + " until its next update "
                + known.crl().getNextUpdate().toInstant());
      }
      failedAt = now;
    }
  }

  private void accept(X509CRL crl, Answer known, Instant now) {
    CrlSource.requireSignedBy(crl, ca, "the CRL from " + url);
    BigInteger number = CertificateSigner.crlNumber(crl);
    if (known != null && number.compareTo(known.number()) < 0) {
      // An older CRL would un-revoke certificates: keep the newer one and say so.
      LOG.error("ignoring the CRL from {}: its number {} is lower than the known CRL's {}", url,
          number, known.number());
      return;
    }
    if (known == null || !number.equals(known.number())) {
      LOG.info("loaded CRL number {} from {} with {} revoked certificate(s), next update {}",
          number, url, crl.getRevokedCertificates() == null ? 0
              : crl.getRevokedCertificates().size(), crl.getNextUpdate().toInstant());
      writeCache(crl);
    }
    good = new Answer(crl, number, now);
  }

  private X509CRL usable(Answer answer, Instant now) {
    if (answer == null) {
      throw new PkiException("cannot check revocation: the CRL from " + url
          + " cannot be fetched (" + failure + ")");
    }
    Instant nextUpdate = answer.crl().getNextUpdate().toInstant();
    if (now.isAfter(nextUpdate)) {
      if (!refusing) {
        refusing = true;
        LOG.error("the CRL from {} went stale at {} and {}: refusing every certificate it "
            + "covers until the CA service answers", url, nextUpdate, failedAt != null
            ? "the CA service cannot be reached (" + failure + ")"
            : "the CA service has published no newer one");
      }
      throw new PkiException("the CRL from " + url + " went stale at " + nextUpdate
          + (failedAt != null ? " and the CA service cannot be reached (" + failure + ")"
              : " and the CA service has published no newer one")
          + ": refusing certificates until it answers");
    }
    if (refusing) {
      refusing = false;
      LOG.info("the CRL from {} is fresh again (next update {})", url, nextUpdate);
    }
    return answer.crl();
  }

  private Answer readCache() {
    if (!Files.exists(cacheFile)) {
      return null;
    }
    try {
      X509CRL crl = CrlSource.requireSignedBy(Pem.readCrl(cacheFile), ca,
          "the cached CRL " + cacheFile);
      // Confirmed at the epoch: the first check asks the CA service again.
      return new Answer(crl, CertificateSigner.crlNumber(crl), Instant.EPOCH);
    } catch (PkiException e) {
      LOG.warn("ignoring the cached CRL: {}", e.getMessage());
      return null;
    }
  }

  private void writeCache(X509CRL crl) {
    try {
      Pem.writeCrl(cacheFile, crl);
    } catch (PkiException e) {
      LOG.warn("cannot keep the CRL from {} in {}: {}", url, cacheFile, e.getMessage());
    }
  }

  private static String entityTag(BigInteger number) {
    return "\"" + number + "\"";
  }
}
