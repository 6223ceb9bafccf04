package io.micropay.loadgen;

import io.micropay.cli.LogSetup;
import io.micropay.cli.StandardCommandLine;
import io.micropay.cli.VersionProvider;
import io.micropay.pki.PkiLayout;
import io.micropay.pki.tls.TlsEngine;
import io.micropay.pki.tls.TlsEngineChoice;
import io.micropay.server.ledger.Ledger;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.slf4j.event.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

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
  static final String ALL = "handshakes,transfers,p2p,sessions,ledger,statement";

  @Option(names = "--out", defaultValue = "run/bench",
      description = "Folder for certificates, data, logs and results; new, empty, or made by an "
          + "earlier run, since it is emptied (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--scenarios", defaultValue = ALL, split = ",",
      description = "Which to run (default: ${DEFAULT-VALUE}).")
  List<String> scenarios;

  @Option(names = "--seconds", defaultValue = "10",
      description = "Measured seconds per row, 0.1 to 3600 (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--warmup", defaultValue = "10",
      description = "Seconds of load before each measurement, 0 to 3600 (default: "
          + "${DEFAULT-VALUE}).")
  double warmupSeconds;

  @Option(names = "--handshake-clients", defaultValue = "1,8", split = ",",
      description = "Concurrent clients for scenario 1, each 1 to 256 (default: ${DEFAULT-VALUE}).")
  List<Integer> handshakeClients;

  @Option(names = "--payers", defaultValue = "1,16,64", split = ",",
      description = "Concurrent payers for scenario 2, each 1 to 1024 (default: ${DEFAULT-VALUE}).")
  List<Integer> payers;

  @Option(names = "--sessions", defaultValue = "1000,5000,10000", split = ",",
      description = "Logged-in peers held in scenario 4, each 1 to 50000 (default: "
          + "${DEFAULT-VALUE}).")
  List<Integer> sessions;

  @Option(names = "--pairs", defaultValue = "100",
      description = "Payer/payee pairs in scenario 3, 1 to 1000 (default: ${DEFAULT-VALUE}).")
  int pairs;

  @Option(names = "--p2p-rate", defaultValue = "1000",
      description = "Payments per second offered across all pairs in scenario 3's open loop, "
          + "0 to " + MAX_P2P_RATE + "; 0 runs only the closed loop (default: ${DEFAULT-VALUE}).")
  int p2pRate;

  @Option(names = "--statement-rows", defaultValue = "10000000",
      description = "Journal rows of scenario 6, at least 100 (default: ${DEFAULT-VALUE}).")
  long statementRows;

  @Option(names = "--ledger-batches", defaultValue = "1,100,1000", split = ",",
      description = "Transfers per transaction in scenario 5, each 1 to 1000 (default: "
          + "${DEFAULT-VALUE}).")
  List<Integer> ledgerBatches;

  @Option(names = "--no-postgres",
      description = "Skip scenario 2 on PostgreSQL; by default it runs at the largest --payers "
          + "on a throwaway PostgreSQL when the postgresql package is installed.")
  boolean noPostgres;

  @Option(names = "--tls-engines", defaultValue = "boringssl,jdk", split = ",",
      paramLabel = "<engine>",
      description = "The server's TLS engines to compare, in one run: scenarios 1 to 3 run on "
          + "each; scenario 2 on PostgreSQL and scenario 4 on the first (default: "
          + "${DEFAULT-VALUE}).")
  List<TlsEngine> tlsEngines;

  @Option(names = "--client-tls-engine", paramLabel = "<engine>",
      description = "The TLS engine of the simulated peers (default: the native one where it "
          + "loads, as a real peer's).")
  TlsEngine clientTlsEngine;

  @Option(names = "--server-jar", defaultValue = "payment-server/target/payment-server.jar",
      description = "The server to measure (default: ${DEFAULT-VALUE}).")
  Path serverJar;

  @Option(names = "--server-jvm", defaultValue = "", split = " ",
      description = "JVM options for the server, space-separated (default: none).")
  List<String> serverJvmOptions;

  /** The marker of a folder this program made, and so may empty again. */
  static final String MARKER = ".loadgen-output";
  static final int MAX_SECONDS = 3600;
  static final int MAX_PAYERS = 1024;
  static final int MAX_HANDSHAKE_CLIENTS = 256;
  /** Both this process and the server hold one descriptor per session. */
  static final int MAX_SESSIONS = 50_000;
  static final int MAX_PAIRS = 1000;
  static final int MAX_P2P_RATE = 100_000;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    validate();
    PrintStream progress = System.err;
    prepare();
    Measurement measurement = new Measurement(progress, warmupSeconds, seconds);
    List<Result> results = new ArrayList<>();
    if (scenarios.stream().anyMatch(name -> !name.equals("ledger")
        && !name.equals("statement"))) {
      results.addAll(againstTheServer(measurement));
    }
    if (scenarios.contains("ledger")) {
      results.addAll(new LedgerScenario(out.resolve("ledger-bench")).run(measurement,
          ledgerBatches));
    }
    if (scenarios.contains("statement")) {
      results.addAll(new StatementScenario(out.resolve("statement-bench"),
          Math.max(100, statementRows)).run(measurement));
    }
    ResultsWriter.write(out, results);
    progress.println();
    progress.print(ResultsWriter.table(results));
    progress.println("results in " + out.resolve("results.md"));
    return StandardCommandLine.OK;
  }

  private List<Result> againstTheServer(Measurement measurement) throws Exception {
    BenchPki pki = BenchPki.create(new PkiLayout(out.resolve("ssl")));
    List<String> names = names(peersAtOnce());
    List<X509Certificate> certificates = pki.issueInMemory(names);
    TlsEngineChoice clientEngine = TlsEngineChoice.of(Optional.ofNullable(clientTlsEngine));
    BulkClients clients = new BulkClients(pki.clientTls(clientEngine), certificates,
        pki.sharedPrivateKey());
    return new ServerRuns(this, pki, clients, names, clientEngine).run(measurement);
  }

  /**
   * The most peers one of the selected scenarios has online at once. Each scenario runs its own
   * server, so they share the bulk certificates (issued in memory, one per name) instead of
   * adding up: a transfers-only run no longer signs 10,000 certificates for the sessions
   * scenario first.
   */
  int peersAtOnce() {
    int peers = 0;
    if (scenarios.contains("handshakes")) {
      peers = Math.max(peers, largest(handshakeClients));
    }
    if (scenarios.contains("transfers")) {
      peers = Math.max(peers, TransferScenario.PAYEES + maxPayers());
    }
    if (scenarios.contains("p2p")) {
      peers = Math.max(peers, 2 * pairs);
    }
    if (scenarios.contains("sessions")) {
      peers = Math.max(peers, largest(sessions));
    }
    return peers;
  }

  int maxPayers() {
    return largest(payers);
  }

  private static int largest(List<Integer> counts) {
    return counts.stream().max(Comparator.naturalOrder()).orElse(0);
  }

  private static List<String> names(int count) {
    List<String> names = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      names.add(String.format("b%05d", i));
    }
    return names;
  }

  /** Every option within its range, every scenario known: checked before anything runs. */
  void validate() {
    for (String scenario : scenarios) {
      if (!List.of(ALL.split(",")).contains(scenario)) {
        throw usage("unknown scenario '" + scenario + "'; the scenarios are " + ALL);
      }
    }
    requireRange("--seconds", seconds, 0.1, MAX_SECONDS);
    requireRange("--warmup", warmupSeconds, 0, MAX_SECONDS);
    requireEach("--payers", payers, MAX_PAYERS);
    requireEach("--handshake-clients", handshakeClients, MAX_HANDSHAKE_CLIENTS);
    requireEach("--sessions", sessions, MAX_SESSIONS);
    requireEach("--ledger-batches", ledgerBatches, Ledger.MAX_BATCH_COMMANDS);
    requireRange("--pairs", pairs, 1, MAX_PAIRS);
    requireRange("--p2p-rate", p2pRate, 0, MAX_P2P_RATE);
    if (tlsEngines.isEmpty() || tlsEngines.size() != Set.copyOf(tlsEngines).size()) {
      throw usage("--tls-engines takes each engine at most once, was " + tlsEngines);
    }
  }

  private void requireEach(String option, List<Integer> values, int max) {
    for (int value : values) {
      requireRange(option, value, 1, max);
    }
  }

  private void requireRange(String option, double value, double min, double max) {
    if (!(value >= min && value <= max)) {
      throw usage(option + " must be " + plain(min) + " to " + plain(max) + ", was "
          + plain(value));
    }
  }

  private static String plain(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  /**
   * Empties --out for this run. Only a folder this program made (it holds the marker) or an
   * empty one is emptied, so a mistyped --out never deletes somebody's files.
   */
  private void prepare() throws IOException {
    if (Files.exists(out)) {
      boolean empty;
      try (Stream<Path> entries = Files.list(out)) {
        empty = entries.findAny().isEmpty();
      }
      if (!empty && !Files.exists(out.resolve(MARKER))) {
        throw usage(out + " is not empty and was not made by loadgen; choose another --out");
      }
      try (Stream<Path> paths = Files.walk(out)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
    Files.createDirectories(out);
    Files.writeString(out.resolve(MARKER),
        "made by loadgen (make bench); emptied by its next run\n");
  }

  public static void main(String[] args) {
    // The bench's output is its table; logs (the server's are its own) only for trouble.
    LogSetup.configure(Level.WARN, LogSetup.Format.COMMAND);
    System.exit(StandardCommandLine.create(new BenchCommand(), List.of(IOException.class))
        .execute(args));
  }
}
