package io.micropay.pki.cli;

import io.micropay.cli.DurationConverter;
import io.micropay.cli.StandardCommandLine;
import io.micropay.pki.CertificateAuthority;
import io.micropay.pki.EnrollmentToken;
import io.micropay.pki.PkiException;
import io.micropay.pki.service.CaService;
import io.micropay.pki.service.ServiceConfig;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run the CA as a network service until SIGTERM or Ctrl-C.",
        "HTTPS on --port: POST /enroll (one-time token), /renew and /revoke (mutual TLS). "
            + "Plain HTTP on --http-port: the OCSP responder (/ocsp) and the current CRL "
            + "(/crl, DER), named in every certificate issued from then on."})
final class ServeCommand implements Callable<Integer> {
  /** How the line that says the service is ready begins. */
  static final String READY = "micropay CA service listening on ";

  @Spec
  CommandSpec spec;

  @Mixin
  CaOptions ca;

  @Option(names = "--port", paramLabel = "<port>", defaultValue = "8443",
      description = "HTTPS port: enrollment, renewal, revocation; 0 picks a free one "
          + "(default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--http-port", paramLabel = "<port>", defaultValue = "8080",
      description = "Plain HTTP port: OCSP and the CRL (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(names = "--bind", paramLabel = "<address>", defaultValue = "127.0.0.1",
      description = "Address to listen on; 0.0.0.0 for every interface "
          + "(default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(names = "--host", paramLabel = "<name>", defaultValue = "localhost",
      description = "The name or address servers and peers reach this service at; it goes "
          + "into every certificate's OCSP and CRL URLs (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--san", paramLabel = "<DNS:name|IP:address>",
      description = "A name of the service's own certificate, added to DNS:localhost and "
          + "IP:127.0.0.1 (repeatable); --host must be among them.")
  List<String> sans = new ArrayList<>();

  @Option(names = "--no-default-sans", description = "Leave out DNS:localhost and IP:127.0.0.1.")
  boolean noDefaultSans;

  @Option(names = "--lifetime", paramLabel = "<duration>", defaultValue = "7d",
      converter = DurationConverter.class,
      description = "How long the certificates it issues are valid; they renew at two thirds "
          + "(default: ${DEFAULT-VALUE}).")
  Duration lifetime;

  @Option(names = "--crl-validity", paramLabel = "<duration>", defaultValue = "1d",
      converter = DurationConverter.class,
      description = "How long each CRL it publishes stays fresh: how long servers and peers "
          + "keep working on the last one while this service is down (default: "
          + "${DEFAULT-VALUE}).")
  Duration crlValidity;

  @Option(names = "--max-requests-per-second", paramLabel = "<n>", defaultValue = "20",
      description = "Requests one address may make per second (default: ${DEFAULT-VALUE}).")
  int requestsPerSecond;

  @Option(names = "--max-token-failures", paramLabel = "<n>", defaultValue = "10",
      description = "Refused tokens one address may send in 15 minutes before its "
          + "enrollments are refused unread (default: ${DEFAULT-VALUE}).")
  int maxTokenFailures;

  @Override
  public Integer call() throws Exception {
    List<String> names = new ArrayList<>(noDefaultSans ? List.of()
        : IssueCommand.Server.DEFAULT_SANS);
    names.addAll(sans);
    ServiceConfig config = new ServiceConfig(ca.layout(), ca.passphrase(), address(bind), host,
        port, httpPort, IssueCommand.sans(names), lifetime, crlValidity, requestsPerSecond,
        maxTokenFailures);
    CertificateAuthority authority = ca.open();
    CaService service = CaService.start(authority, config, Clock.systemUTC());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      service.close();
      stopped.countDown();
    }, "shutdown"));
    PrintWriter out = spec.commandLine().getOut();
    out.println(READY + service.serviceUrl() + " (enroll, renew, revoke) and http://"
        + service.urls().crl().getAuthority() + " (OCSP, CRL); CA fingerprint "
        + EnrollmentToken.fingerprint(authority.caCertificate()));
    out.flush();
    stopped.await();
    return StandardCommandLine.OK;
  }

  private static InetAddress address(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw new PkiException("--bind " + text + " is not an address of this machine");
    }
  }
}
