package io.micropay.loadgen;

import io.micropay.pki.PkiLayout;
import io.micropay.pki.tls.TlsEngine;
import io.micropay.pki.tls.TlsEngineChoice;
import io.micropay.testing.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The scenarios that run against real server processes (handshakes, transfers, P2P, held
 * sessions), each server started from its jar with the TLS engine under test, and the OpenSSL
 * handshake baseline. Scenarios 1 to 3 run once per engine of {@code --tls-engines}, so both
 * engines are measured in one run, on the same machine, minutes apart.
 */
final class ServerRuns {
  private final BenchCommand options;
  private final BenchPki pki;
  private final BulkClients clients;
  private final List<String> names;
  private final TlsEngineChoice clientEngine;

  ServerRuns(BenchCommand options, BenchPki pki, BulkClients clients, List<String> names,
      TlsEngineChoice clientEngine) {
    this.options = options;
    this.pki = pki;
    this.clients = clients;
    this.names = names;
    this.clientEngine = clientEngine;
  }

  /** The selected scenarios, on each server engine, then the baselines. */
  List<Result> run(Measurement measurement) throws Exception {
    List<Result> results = new ArrayList<>();
    for (TlsEngine engine : options.tlsEngines) {
      String engines = "server " + engine.optionName() + ", clients "
          + clientEngine.engine().optionName();
      String label = engine.optionName() + " engine";
      List<Result> rows = new ArrayList<>();
      if (options.scenarios.contains("handshakes")) {
        rows.addAll(handshakes(measurement, engine, engines));
      }
      if (options.scenarios.contains("transfers")) {
        rows.addAll(derbyTransfers(measurement, engine));
      }
      if (options.scenarios.contains("p2p")) {
        try (ServerUnderTest server = startServer("p2p-" + engine.optionName(), engine)) {
          rows.addAll(new PeerToPeerScenario(pki, server.port(), TlsEngineChoice.of(engine))
              .run(measurement.watching(server.handle()), options.pairs, options.p2pRate));
        }
      }
      rows.forEach(row -> results.add(row.on(label)));
    }
    TlsEngine first = options.tlsEngines.get(0);
    if (options.scenarios.contains("transfers")) {
      results.addAll(postgresTransfers(measurement, first));
    }
    if (options.scenarios.contains("handshakes")) {
      results.addAll(opensslBaseline());
    }
    if (options.scenarios.contains("sessions")) {
      try (ServerUnderTest server = startServer("sessions", first)) {
        results.addAll(new SessionsScenario(clients, server, names).run(
            measurement.watching(server.handle()), options.sessions));
      }
    }
    return results;
  }

  /** Scenario 1 with Java clients, then openssl s_time, against micropay on {@code engine}. */
  private List<Result> handshakes(Measurement measurement, TlsEngine engine, String engines)
      throws Exception {
    List<Result> results = new ArrayList<>();
    OpensslTime.ClientFiles files = opensslClient();
    try (ServerUnderTest server = startServer("handshakes-" + engine.optionName(),
        engine)) {
      HandshakeScenario scenario = new HandshakeScenario(clients, server.port(), engines);
      for (int count : options.handshakeClients) {
        results.addAll(scenario.run(measurement.watching(server.handle()), count));
      }
      CpuClock serverCpu = CpuClock.of(server.handle());
      for (boolean resume : new boolean[] {false, true}) {
        Optional<Duration> before = serverCpu.used();
        Result row = OpensslTime.run((resume ? "resumed" : "full") + ", s_time -> micropay",
            server.port(), files, resume, OpensslTime.OVERLONG_PATH, opensslSeconds(),
            "openssl client, 1 at a time; micropay answers 230 and closes");
        // s_time's own CPU is not the load generator's: only the server's is charged here.
        results.add(row.withCpu(new CpuUse(CpuClock.millisBetween(before, serverCpu.used()),
            -1)));
      }
    }
    return results;
  }

  /** The handshake baseline: openssl s_time against openssl s_server, once per run. */
  private List<Result> opensslBaseline() throws Exception {
    List<Result> results = new ArrayList<>();
    PkiLayout layout = pki.layout();
    try (OpensslTime.Server baseline = new OpensslTime.Server(layout.serverCertificate(),
        layout.serverKey(), layout.caCertificate(), options.out.resolve("s_server.log"))) {
      for (boolean resume : new boolean[] {false, true}) {
        results.add(OpensslTime.run((resume ? "resumed" : "full") + ", s_time -> s_server",
            baseline.port(), opensslClient(), resume, "/", opensslSeconds(),
            "baseline: openssl s_server -www, 1 at a time"));
      }
    }
    return results;
  }

  private OpensslTime.ClientFiles opensslClient() {
    String name = "opensslclient";
    PkiLayout layout = pki.layout();
    if (!Files.exists(layout.peerCertificate(name))) {
      pki.issuePeerFiles(name);
    }
    return new OpensslTime.ClientFiles(layout.peerCertificate(name), layout.peerKey(name),
        layout.caCertificate());
  }

  private int opensslSeconds() {
    return (int) Math.max(1, Math.ceil(options.seconds));
  }

  /** Scenario 2 on a Derby ledger, at each --payers, on a server with {@code engine}. */
  private List<Result> derbyTransfers(Measurement measurement, TlsEngine engine)
      throws Exception {
    List<Result> results = new ArrayList<>();
    try (ServerUnderTest server = startServer("transfers-" + engine.optionName(),
        engine)) {
      TransferScenario scenario = new TransferScenario(clients, TransferScenario.PAYEES,
          server.port());
      scenario.register(names, options.maxPayers());
      for (int count : options.payers) {
        results.add(scenario.run(measurement.watching(server.handle()), names, count));
      }
    }
    return results;
  }

  /** Scenario 2 at the largest --payers on PostgreSQL: one server, then two on one database. */
  private List<Result> postgresTransfers(Measurement measurement, TlsEngine engine)
      throws Exception {
    List<Result> results = new ArrayList<>();
    if (options.noPostgres) {
      return results;
    }
    if (!PostgresServer.installed()) {
      System.err.println("scenario 2 on PostgreSQL skipped: the postgresql package is not "
          + "installed");
      return results;
    }
    // The same scenario on a ledger in a throwaway PostgreSQL with its default settings
    // (fsync and synchronous_commit on: every acknowledged transfer is durable). Only the
    // server's CPU is counted: PostgreSQL's own processes are not.
    try (PostgresServer postgres = PostgresServer.start(List.of("max_connections=200"))) {
      String url = postgres.createDatabase("bench");
      try (ServerUnderTest server = startServer("transfers-postgres", engine,
          List.of("--db-url", url))) {
        TransferScenario scenario = new TransferScenario(clients, TransferScenario.PAYEES,
            server.port());
        scenario.register(names, options.maxPayers());
        results.add(scenario.run(measurement.watching(server.handle()), names, options.maxPayers())
            .on("PostgreSQL"));
      }
      // Two servers on one database, acting as one service (shared books, shared online
      // list), the payers split between them; the CPU is both servers' together.
      String shared = postgres.createDatabase("bench_two_servers");
      try (ServerUnderTest first = startServer("transfers-postgres-a", engine,
              List.of("--db-url", shared));
          ServerUnderTest second = startServer("transfers-postgres-b", engine,
              List.of("--db-url", shared))) {
        TransferScenario scenario = new TransferScenario(clients, TransferScenario.PAYEES,
            first.port(), second.port());
        scenario.register(names, options.maxPayers());
        results.add(scenario.run(measurement.watching(first.handle(), second.handle()), names,
            options.maxPayers()).on("PostgreSQL, two servers"));
      }
    }
    return results;
  }

  private ServerUnderTest startServer(String label, TlsEngine engine) throws IOException {
    return startServer(label, engine, List.of());
  }

  private ServerUnderTest startServer(String label, TlsEngine engine,
      List<String> extraOptions) throws IOException {
    List<String> serverOptions = new ArrayList<>(List.of("--max-sessions",
        Integer.toString(options.peersAtOnce() + 100), "--initial-balance", "1000000000000",
        "--idle-timeout", "1h", "--verbosity", "events", "--tls-engine",
        engine.optionName()));
    serverOptions.addAll(extraOptions);
    List<String> jvm = options.serverJvmOptions.stream().filter(option -> !option.isBlank())
        .toList();
    return ServerUnderTest.start(options.serverJar, jvm, pki.layout().directory(),
        options.out.resolve("data-" + label), options.out.resolve("server-" + label + ".log"),
        serverOptions);
  }
}
