package io.micropay.loadgen;

import io.micropay.pki.PkiLayout;
import io.micropay.pki.cli.StandardCommandLine;
import io.micropay.pki.cli.VersionProvider;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadgen}: the benchmark behind {@code make bench}. It makes its own certificates, starts
 * the server from its jar, drives it with simulated peers over real TLS on 127.0.0.1, runs the
 * baselines, and writes the results as CSV, a Markdown table and an SVG plot.
 */
@Command(name = "loadgen", mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {"Benchmarks micropay: handshakes, transfers, peer-to-peer payments, held "
        + "sessions, and the ledger alone, each beside its baseline.",
        "Results go to --out as results.csv, results.md and throughput.svg."})
public final class BenchCommand implements Callable<Integer> {
  static final String ALL = "handshakes,transfers,p2p,sessions,ledger";

  @Option(names = "--out", defaultValue = "run/bench",
      description = "Folder for certificates, data, logs and results (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--scenarios", defaultValue = ALL, split = ",",
      description = "Which to run (default: ${DEFAULT-VALUE}).")
  List<String> scenarios;

  @Option(names = "--seconds", defaultValue = "10",
      description = "Measured seconds per row (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--warmup", defaultValue = "10",
      description = "Seconds of load before each measurement (default: ${DEFAULT-VALUE}).")
  double warmupSeconds;

  @Option(names = "--handshake-clients", defaultValue = "1,8", split = ",",
      description = "Concurrent clients for scenario 1 (default: ${DEFAULT-VALUE}).")
  List<Integer> handshakeClients;

  @Option(names = "--payers", defaultValue = "1,16,64", split = ",",
      description = "Concurrent payers for scenario 2 (default: ${DEFAULT-VALUE}).")
  List<Integer> payers;

  @Option(names = "--sessions", defaultValue = "1000,5000,10000", split = ",",
      description = "Logged-in peers held in scenario 4 (default: ${DEFAULT-VALUE}).")
  List<Integer> sessions;

  @Option(names = "--pairs", defaultValue = "100",
      description = "Payer/payee pairs in scenario 3 (default: ${DEFAULT-VALUE}).")
  int pairs;

  @Option(names = "--ledger-batches", defaultValue = "1,100,1000", split = ",",
      description = "Transfers per transaction in scenario 5 (default: ${DEFAULT-VALUE}).")
  List<Integer> ledgerBatches;

  @Option(names = "--server-jar", defaultValue = "payment-server/target/payment-server.jar",
      description = "The server to measure (default: ${DEFAULT-VALUE}).")
  Path serverJar;

  @Option(names = "--server-jvm", defaultValue = "", split = " ",
      description = "JVM options for the server, space-separated (default: none).")
  List<String> serverJvmOptions;

  @Override
  public Integer call() throws Exception {
    PrintStream progress = System.err;
    prepare();
    Measurement measurement = new Measurement(progress, warmupSeconds, seconds);
    List<Result> results = new ArrayList<>();
    if (scenarios.stream().anyMatch(name -> !name.equals("ledger"))) {
      results.addAll(againstTheServer(measurement));
    }
    if (scenarios.contains("ledger")) {
      results.addAll(new LedgerScenario(out.resolve("ledger-bench")).run(measurement,
          ledgerBatches));
    }
    ResultsWriter.write(out, results);
    progress.println();
    progress.print(ResultsWriter.table(results));
    progress.println("results in " + out.resolve("results.md"));
    return StandardCommandLine.OK;
  }

  private List<Result> againstTheServer(Measurement measurement) throws Exception {
    BenchPki pki = BenchPki.create(new PkiLayout(out.resolve("ssl")));
    List<String> names = names(maxSessions() + TransferScenario.PAYEES + maxPayers() + 8);
    List<X509Certificate> certificates = pki.issueInMemory(names);
    BulkClients clients = new BulkClients(pki.caCertificate(), certificates,
        pki.sharedPrivateKey());
    List<Result> results = new ArrayList<>();
    if (scenarios.contains("handshakes")) {
      results.addAll(handshakes(measurement, pki, clients));
    }
    if (scenarios.contains("transfers")) {
      results.addAll(transfers(measurement, pki, clients, names));
    }
    if (scenarios.contains("p2p")) {
      try (ServerUnderTest server = startServer(pki, "p2p")) {
        results.add(new PeerToPeerScenario(pki, server.port()).run(measurement, pairs));
      }
    }
    if (scenarios.contains("sessions")) {
      try (ServerUnderTest server = startServer(pki, "sessions")) {
        results.addAll(new SessionsScenario(clients, server, names).run(measurement,
            sessions));
      }
    }
    return results;
  }

  /** Scenario 1 with Java clients, then openssl s_time against micropay and s_server. */
  private List<Result> handshakes(Measurement measurement, BenchPki pki, BulkClients clients)
      throws Exception {
    List<Result> results = new ArrayList<>();
    String opensslPeer = "opensslclient";
    pki.issuePeerFiles(opensslPeer);
    PkiLayout layout = pki.layout();
    OpensslTime.ClientFiles files = new OpensslTime.ClientFiles(
        layout.peerCertificate(opensslPeer), layout.peerKey(opensslPeer),
        layout.caCertificate());
    int opensslSeconds = (int) Math.max(1, Math.ceil(seconds));
    try (ServerUnderTest server = startServer(pki, "handshakes")) {
      HandshakeScenario scenario = new HandshakeScenario(clients, server.port());
      for (int count : handshakeClients) {
        results.addAll(scenario.run(measurement, count));
      }
      for (boolean resume : new boolean[] {false, true}) {
        results.add(OpensslTime.run((resume ? "resumed" : "full") + ", s_time -> micropay",
            server.port(), files, resume, OpensslTime.OVERLONG_PATH, opensslSeconds,
            "openssl client, 1 at a time; micropay answers 230 and closes"));
      }
    }
    try (OpensslTime.Server baseline = new OpensslTime.Server(layout.serverCertificate(),
        layout.serverKey(), layout.caCertificate(), out.resolve("s_server.log"))) {
      for (boolean resume : new boolean[] {false, true}) {
        results.add(OpensslTime.run((resume ? "resumed" : "full") + ", s_time -> s_server",
            baseline.port(), files, resume, "/", opensslSeconds,
            "baseline: openssl s_server -www, 1 at a time"));
      }
    }
    return results;
  }

  private List<Result> transfers(Measurement measurement, BenchPki pki, BulkClients clients,
      List<String> names) throws Exception {
    List<Result> results = new ArrayList<>();
    try (ServerUnderTest server = startServer(pki, "transfers")) {
      int firstPayer = TransferScenario.PAYEES;
      TransferScenario scenario = new TransferScenario(clients, server.port(), firstPayer);
      scenario.register(names, maxPayers());
      for (int count : payers) {
        results.add(scenario.run(measurement, names, count));
      }
    }
    return results;
  }

  ServerUnderTest startServer(BenchPki pki, String label) throws IOException {
    List<String> jvm = serverJvmOptions.stream().filter(option -> !option.isBlank()).toList();
    return ServerUnderTest.start(serverJar, jvm, pki.layout().directory(),
        out.resolve("data-" + label), out.resolve("server-" + label + ".log"),
        List.of("--max-sessions", Integer.toString(maxSessions() + 100),
            "--initial-balance", "1000000000000", "--idle-timeout", "1h",
            "--verbosity", "events"));
  }

  private int maxSessions() {
    return sessions.stream().max(Comparator.naturalOrder()).orElse(0);
  }

  private int maxPayers() {
    return payers.stream().max(Comparator.naturalOrder()).orElse(0);
  }

  private static List<String> names(int count) {
    List<String> names = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      names.add(String.format("b%05d", i));
    }
    return names;
  }

  private void prepare() throws IOException {
    if (Files.exists(out)) {
      try (Stream<Path> paths = Files.walk(out)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
    Files.createDirectories(out);
  }

  public static void main(String[] args) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    System.exit(new CommandLine(new BenchCommand()).execute(args));
  }
}
