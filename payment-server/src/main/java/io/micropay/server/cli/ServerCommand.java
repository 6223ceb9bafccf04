package io.micropay.server.cli;

import io.micropay.cli.DurationConverter;
import io.micropay.cli.LogSetup;
import io.micropay.cli.StandardCommandLine;
import io.micropay.cli.VersionProvider;
import io.micropay.pki.PkiException;
import io.micropay.pki.PkiLayout;
import io.micropay.pki.tls.TlsEngine;
import io.micropay.pki.tls.TlsEngineChoice;
import io.micropay.protocol.Limits;
import io.micropay.server.OperatorSettings;
import io.micropay.server.PaymentServer;
import io.micropay.server.ServerConfig;
import io.micropay.server.Verbosity;
import io.micropay.server.ledger.LedgerException;
import io.micropay.server.ledger.Ledgers;
import io.micropay.server.operator.ActivityHistory;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.event.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code payment-server}: runs the server, or inspects its ledger. */
@Command(name = "payment-server", mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class, sortOptions = false,
    description = {"The micropay payment server: mutual TLS on every connection, accounts and "
        + "balances in an embedded Derby ledger, transfers settled exactly once.",
        "Runs until SIGTERM or Ctrl-C, then shuts down gracefully."},
    subcommands = {AuditCommand.class, AccountsCommand.class, BackupCommand.class},
    footer = {"", "Exit codes: 0 ok, 1 failure (message on stderr), 2 usage error, "
        + "3 audit found books that do not balance.",
        "See docs/operations.md."})
public final class ServerCommand implements Callable<Integer> {
  /**
   * How the line on standard output that says the server is ready begins; the host and port
   * follow. Scripts and the load generator wait for it ({@link #listeningPort}).
   */
  public static final String LISTENING = "micropay payment server listening on ";
  private static final String TRUSTING = ", trusting CA '";
  /** How the ready line names the operator endpoint, when there is one. */
  public static final String OPERATOR_ENDPOINT = ", operator endpoint ";
  private static final Pattern OPERATOR_ADDRESS =
      Pattern.compile(Pattern.quote(OPERATOR_ENDPOINT) + "https://.+:(\\d+)/");
  /** The host may hold colons itself (IPv6): the port is the number just before TRUSTING. */
  private static final Pattern LISTENING_ADDRESS =
      Pattern.compile(Pattern.quote(LISTENING) + ".+:(\\d+)" + Pattern.quote(TRUSTING));

  /** The port a line of the server's standard output says it listens on, if it is that line. */
  public static OptionalInt listeningPort(String line) {
    Matcher matcher = LISTENING_ADDRESS.matcher(line);
    return matcher.lookingAt() ? OptionalInt.of(Integer.parseInt(matcher.group(1)))
        : OptionalInt.empty();
  }

  /** The operator port the ready line names, if it is that line and names one. */
  public static OptionalInt operatorPort(String line) {
    Matcher matcher = OPERATOR_ADDRESS.matcher(line);
    return listeningPort(line).isPresent() && matcher.find()
        ? OptionalInt.of(Integer.parseInt(matcher.group(1))) : OptionalInt.empty();
  }

  @Spec
  CommandSpec spec;

  @Option(names = "--port", paramLabel = "<port>", defaultValue = "" + Limits.DEFAULT_SERVER_PORT,
      description = "TCP port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--bind", paramLabel = "<address>", defaultValue = "127.0.0.1",
      description = "Address to listen on; 0.0.0.0 for every interface "
          + "(default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(names = "--operator-port", paramLabel = "<port|off>",
      description = "HTTPS port of the operator endpoint (metrics, health, live books, backup, "
          + "status page; operator certificates only) on the --bind address; 0 picks a free "
          + "one, 'off' turns it off (default: --port + 1, so 8701; 0 when --port is 0).")
  String operatorPort;

  @Option(names = "--ssl-dir", paramLabel = "<folder>", defaultValue = "ssl",
      description = "Folder with ca.crt, ca.crl, server.crt, server.key "
          + "(default: ${DEFAULT-VALUE}).")
  Path sslDirectory;

  @Mixin
  LedgerOptions ledger;

  @Option(names = "--threads", paramLabel = "<n>",
      description = "Worker threads for handshakes and requests (default: 4 per core, at "
          + "least 8).")
  Integer threads;

  @Option(names = "--io-threads", paramLabel = "<n>",
      description = "Selector threads for socket and TLS record work (default: one per core).")
  Integer ioThreads;

  @Option(names = "--max-sessions", paramLabel = "<n>", defaultValue = "10000",
      description = "Sessions at once; one more gets 240 BUSY (default: ${DEFAULT-VALUE}).")
  int maxSessions;

  @Option(names = "--max-handshakes", paramLabel = "<n>", defaultValue = "2000",
      description = "TLS handshakes in progress at once; beyond it the oldest is dropped "
          + "(default: ${DEFAULT-VALUE}).")
  int maxHandshakes;

  @Option(names = "--max-connections-per-certificate", paramLabel = "<n>",
      defaultValue = "" + ServerConfig.DEFAULT_MAX_CONNECTIONS_PER_CERTIFICATE,
      description = "Connections one certificate may hold at once, logged in or not; one more "
          + "is closed after its handshake (default: ${DEFAULT-VALUE}).")
  int maxConnectionsPerCertificate;

  @Option(names = "--initial-balance", paramLabel = "<units>", defaultValue = "10000",
      description = "Balance of a new account (default: ${DEFAULT-VALUE}).")
  long initialBalance;

  @Option(names = "--max-deposit", paramLabel = "<units>", defaultValue = "1000000",
      description = "Largest deposit accepted; 0 disables deposits (default: ${DEFAULT-VALUE}).")
  long maxDeposit;

  @Option(names = "--idle-timeout", paramLabel = "<duration>", defaultValue = "10m",
      converter = DurationConverter.class,
      description = "Close a session that sends nothing this long (default: ${DEFAULT-VALUE}).")
  Duration idleTimeout;

  @Option(names = "--handshake-timeout", paramLabel = "<duration>", defaultValue = "10s",
      converter = DurationConverter.class,
      description = "Drop a client that has not finished its TLS handshake by then "
          + "(default: ${DEFAULT-VALUE}).")
  Duration handshakeTimeout;

  @Option(names = "--verbosity", paramLabel = "<level>", defaultValue = "events",
      description = "events (register, login, exit), list (also the online list when it "
          + "changes), all (also every message in and out) (default: ${DEFAULT-VALUE}).")
  Verbosity verbosity;

  @Option(names = "--tls-engine", paramLabel = "<boringssl|jdk>",
      description = "The TLS engine of the payment port: boringssl (native, the default where "
          + "its library loads) or jdk. Both check the same things; the operator endpoint "
          + "always uses the JDK's.")
  TlsEngine tlsEngine;

  @Option(names = "--key-passphrase-file", paramLabel = "<file>",
      description = "The server key's passphrase is the first line of this file.")
  Path keyPassphraseFile;

  @Option(names = "--key-passphrase-env", paramLabel = "<variable>",
      description = "The server key's passphrase is in this environment variable.")
  String keyPassphraseEnvironment;

  @Override
  public Integer call() throws IOException, InterruptedException {
    ServerConfig config = config();
    OperatorSettings operator = operatorSettings();
    ledger.prepare();
    PaymentServer server = PaymentServer.start(config, operator);
    OperatorAddressFile addressFile = new OperatorAddressFile(ledger.dataDirectory);
    server.operatorAddress().ifPresent(addressFile::write);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      addressFile.delete();
      server.close();
      stopped.countDown();
    }, "shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    PrintWriter out = spec.commandLine().getOut();
    out.println(LISTENING + server.address().getHostString() + ":"
        + server.port() + TRUSTING
        + server.tls().caCertificate().getSubjectX500Principal().getName() + "' ("
        + config.pki().caCertificate() + "), ledger " + ledger.describe()
        + server.operatorAddress().map(address -> OPERATOR_ENDPOINT
            + OperatorAddressFile.url(address)).orElse(""));
    out.flush();
    stopped.await();
    return StandardCommandLine.OK;
  }

  ServerConfig config() {
    int cores = Runtime.getRuntime().availableProcessors();
    if (port < 0 || port > 65_535) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "port must be 0..65535, was " + port);
    }
    try {
      return new ServerConfig(new InetSocketAddress(bind, port), new PkiLayout(sslDirectory),
          io.micropay.pki.Passphrase.fromFileOrEnvironment(keyPassphraseFile,
              keyPassphraseEnvironment),
          ledger.url(), threads != null ? threads : Math.max(8, 4 * cores),
          ioThreads != null ? ioThreads : cores, maxSessions, maxHandshakes, initialBalance,
          maxDeposit, idleTimeout, handshakeTimeout, verbosity, ledger.password(),
          maxConnectionsPerCertificate, TlsEngineChoice.of(Optional.ofNullable(tlsEngine)));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  OperatorSettings operatorSettings() {
    if (operatorPort == null) {
      return new OperatorSettings(OptionalInt.of(port == 0 ? 0 : port + 1), false,
          ActivityHistory.INTERVAL_MILLIS);
    }
    if (operatorPort.equals("off")) {
      return OperatorSettings.OFF;
    }
    try {
      return OperatorSettings.onPort(Integer.parseInt(operatorPort));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--operator-port must be "
          + "0..65535 or off, was '" + operatorPort + "'");
    }
  }

  /** The command line, with micropay's error handling. */
  public static CommandLine commandLine() {
    return StandardCommandLine.create(new ServerCommand(),
        List.of(PkiException.class, LedgerException.class, IOException.class));
  }

  public static void main(String[] args) {
    List<String> arguments = List.of(args);
    // The commands that only read a ledger and print a report: their output is the report,
    // so only warnings are logged.
    boolean inspecting = arguments.contains("audit") || arguments.contains("accounts")
        || arguments.contains("backup");
    LogSetup.configure(inspecting ? Level.WARN : Level.INFO, LogSetup.Format.SERVICE);
    LogSetup.limit("org.apache.derby", Level.WARN);
    System.exit(commandLine().execute(args));
  }

  /** Where the ledger is: a data folder for embedded Derby, or any JDBC URL. */
  static final class LedgerOptions {
    @Option(names = "--data-dir", paramLabel = "<folder>", defaultValue = "data",
        description = "Folder of the embedded Derby ledger (default: ${DEFAULT-VALUE}).")
    Path dataDirectory;

    @Option(names = "--db-url", paramLabel = "<jdbc-url>",
        description = {"The ledger's database instead of the embedded default: "
            + "jdbc:postgresql://<host>:<port>/<database>?user=<user> (or a jdbc:derby: URL).",
            "Never with a password in it: see --db-password-file."})
    String databaseUrl;

    @Option(names = "--db-password-file", paramLabel = "<file>",
        description = "The database password is the first line of this file; without it, the "
            + "environment variable " + PASSWORD_VARIABLE + " if set.")
    Path databasePasswordFile;

    /** Where the database password is when no file is named. */
    static final String PASSWORD_VARIABLE = "MICROPAY_DB_PASSWORD";

    /** The database password: the file's first line, else the variable, else none. */
    io.micropay.pki.Passphrase password() {
      if (databasePasswordFile != null) {
        return io.micropay.pki.Passphrase.fromFile(databasePasswordFile);
      }
      return System.getenv(PASSWORD_VARIABLE) != null
          ? io.micropay.pki.Passphrase.fromEnvironment(PASSWORD_VARIABLE)
          : io.micropay.pki.Passphrase.none();
    }

    /**
     * Opens the ledger of a ledger that must already exist, for the commands that inspect it.
     *
     * @throws LedgerException when it cannot be opened
     */
    io.micropay.server.ledger.JdbcLedger openExisting() {
      String url = existingUrl();
      try {
        ServerConfig.requireNoPasswordIn(url);
      } catch (IllegalArgumentException e) {
        throw new LedgerException(e.getMessage());
      }
      return io.micropay.server.ledger.JdbcLedger.open(io.micropay.server.ledger.LedgerDatabase
          .open(url, password().characters().map(String::new).orElse(null), 1), true);
    }

    String url() {
      return databaseUrl != null ? databaseUrl : Ledgers.derbyUrl(dataDirectory);
    }

    /**
     * The URL of a ledger that must already exist: inspecting commands never create an empty
     * one where the user mistyped a folder.
     */
    String existingUrl() {
      return databaseUrl != null ? databaseUrl : Ledgers.existingDerbyUrl(dataDirectory);
    }

    String describe() {
      return databaseUrl != null ? "at " + io.micropay.server.ledger.Dialect.of(databaseUrl)
          .describe(databaseUrl)
          : "in " + dataDirectory.resolve("ledger");
    }

    /** Makes the data folder, and sends Derby's own log there instead of the working folder. */
    void prepare() throws IOException {
      // Made with any ledger: the operator endpoint's address file lives here too.
      Files.createDirectories(dataDirectory);
      if (databaseUrl == null) {
        if (System.getProperty("derby.stream.error.file") == null) {
          System.setProperty("derby.stream.error.file",
              dataDirectory.resolve("derby.log").toString());
        }
      }
    }
  }
}
