package io.micropay.pki.testing;

import io.micropay.pki.CertificateAuthority;
import io.micropay.pki.Passphrase;
import io.micropay.pki.service.CaService;
import io.micropay.pki.service.ServiceConfig;
import io.micropay.pki.x509.SubjectAltNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** The CA service of a {@link TestPki} on 127.0.0.1, on ports the system picks. */
public final class TestCaService {
  private TestCaService() {
  }

  /** The service of {@code pki}'s CA, issuing for {@code lifetime}. */
  public static CaService start(TestPki pki, Duration lifetime, Duration crlValidity,
      int requestsPerSecond, Clock clock) {
    CertificateAuthority ca = CertificateAuthority.open(pki.layout(), Passphrase.none(), clock);
    try {
      return CaService.start(ca, new ServiceConfig(pki.layout(), Passphrase.none(),
          InetAddress.getLoopbackAddress(), "127.0.0.1", 0, 0,
          List.of(SubjectAltNames.parse("IP:127.0.0.1")), lifetime, crlValidity,
          requestsPerSecond, 5), clock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the CA service", e);
    }
  }

  /** The service with a day's lifetime and CRL validity, and a generous rate limit. */
  public static CaService start(TestPki pki) {
    return start(pki, Duration.ofDays(1), Duration.ofDays(1), 1_000, Clock.systemUTC());
  }
}
