package io.micropay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real, throwaway PostgreSQL server for tests: {@code initdb} into a fresh temporary folder, a
 * free port on 127.0.0.1, trust authentication for the one user {@value #USER}, removed on
 * {@link #close()} (and by a shutdown hook if a test never closes it).
 *
 * <p>PostgreSQL refuses to run as root, and CI runs as root: then every PostgreSQL program runs
 * as the {@code postgres} user of Debian's package through {@code runuser}, and the folder is
 * handed to that user. The binaries are found in {@code $MICROPAY_PG_BIN}, else in the newest
 * {@code /usr/lib/postgresql/<version>/bin}, else on the PATH.
 */
public final class PostgresServer implements AutoCloseable {
  /** The superuser initdb creates; tests connect as it, with no password (trust). */
  public static final String USER = "micropay";
  /** The database initdb creates for {@link #USER}; {@link #createDatabase} makes others. */
  public static final String DEFAULT_DATABASE = "postgres";
  private static final String SYSTEM_USER = "postgres";
  private static final long COMMAND_TIMEOUT_SECONDS = 60;
  private static final int START_ATTEMPTS = 3;

  private final Path folder;
  private final Path binaries;
  private final List<String> settings;
  private final Thread cleanup;
  private int port;
  private boolean running;

  private PostgresServer(Path folder, Path binaries, List<String> settings) {
    this.folder = folder;
    this.binaries = binaries;
    this.settings = List.copyOf(settings);
    this.cleanup = new Thread(this::stopQuietly, "postgres-cleanup");
  }

  /** Starts a server with PostgreSQL's default settings (fsync on: commits are durable). */
  public static PostgresServer start() {
    return start(List.of());
  }

  /**
   * Starts a server with extra {@code name=value} settings passed as {@code -c} options, such as
   * {@code max_connections=200}.
   */
  public static PostgresServer start(List<String> settings) {
    Path binaries = binaries().orElseThrow(() -> new IllegalStateException(
        "PostgreSQL's server programs (initdb, pg_ctl) were not found in $MICROPAY_PG_BIN, "
            + "/usr/lib/postgresql/<version>/bin or the PATH: install Debian's postgresql "
            + "package (apt-get install postgresql)"));
    try {
      Path folder = Files.createTempDirectory("micropay-pg-");
      PostgresServer server = new PostgresServer(folder, binaries, settings);
      Runtime.getRuntime().addShutdownHook(server.cleanup);
      try {
        server.initialise();
        server.startOnFreePort();
        return server;
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make a folder for PostgreSQL", e);
    }
  }

  /** Whether PostgreSQL's server programs are installed here. */
  public static boolean installed() {
    return binaries().isPresent();
  }

  /** The port it listens on, on 127.0.0.1; the same across {@link #restart()}. */
  public int port() {
    return port;
  }

  /** A JDBC URL for {@code database} as {@link #USER}, the form {@code --db-url} takes. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
  }

  /** A JDBC URL for the {@link #DEFAULT_DATABASE}. */
  public String jdbcUrl() {
    return jdbcUrl(DEFAULT_DATABASE);
  }

  /** Creates an empty database {@code name} and returns its JDBC URL. */
  public String createDatabase(String name) {
    run(List.of(program("createdb"), "-h", "127.0.0.1", "-p", Integer.toString(port),
        "-U", USER, name));
    return jdbcUrl(name);
  }

  /** Stops the server at once, as a crash would (immediate shutdown: no checkpoint). */
  public void kill() {
    stop("immediate");
  }

  /** Stops the server cleanly, ending every session (fast shutdown). */
  public void stop() {
    stop("fast");
  }

  /** Starts a stopped server again on the same port with the same data. */
  public void startAgain() {
    startOn(port);
  }

  /** Stops the server (fast shutdown) and starts it again on the same port with the same data. */
  public void restart() {
    stop();
    startOn(port);
  }

  /** What the server logged, for failure messages. */
  public String log() {
    try {
      Path log = folder.resolve("postgres.log");
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read the PostgreSQL log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    stopQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down; the hook is running or has run.
    }
    deleteFolder();
  }

  private void initialise() throws IOException {
    if (runningAsRoot()) {
      // The postgres user must reach the folder: open it up, then hand it over.
      Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
      run(List.of("chown", SYSTEM_USER, folder.toString()));
    }
    run(List.of(program("initdb"), "-D", data().toString(), "-U", USER, "--auth=trust",
        "--encoding=UTF8", "--locale=C", "--no-sync"));
  }

  private void startOnFreePort() {
    IllegalStateException last = null;
    for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      try {
        startOn(freePort());
        return;
      } catch (IllegalStateException e) {
        // Another process may have taken the free port between our probe and the server's bind.
        last = e;
      }
    }
    throw last;
  }

  private void startOn(int chosenPort) {
    List<String> options = new ArrayList<>(List.of("-p", Integer.toString(chosenPort),
        "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + folder));
    for (String setting : settings) {
      options.add("-c");
      options.add(setting);
    }
    run(List.of(program("pg_ctl"), "-D", data().toString(), "-l",
        folder.resolve("postgres.log").toString(), "-w", "-t",
        Long.toString(COMMAND_TIMEOUT_SECONDS), "-o", String.join(" ", options), "start"));
    port = chosenPort;
    running = true;
  }

  private void stop(String mode) {
    if (!running) {
      return;
    }
    run(List.of(program("pg_ctl"), "-D", data().toString(), "-m", mode, "-w", "stop"));
    running = false;
  }

  private void stopQuietly() {
    try {
      stop("immediate");
    } catch (RuntimeException e) {
      // Best effort on the way out: the folder goes next, and with it the server's files.
    }
  }

  private void deleteFolder() {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the PostgreSQL folder " + folder, e);
    }
  }

  private Path data() {
    return folder.resolve("data");
  }

  private String program(String name) {
    return binaries.resolve(name).toString();
  }

  /** Runs a PostgreSQL program to its end, as the postgres user when this JVM is root. */
  private void run(List<String> command) {
    List<String> full = new ArrayList<>();
    boolean asSystemUser = runningAsRoot() && !command.get(0).equals("chown");
    if (asSystemUser) {
      full.addAll(List.of("runuser", "-u", SYSTEM_USER, "--"));
    }
    full.addAll(command);
    Path output = folder.resolve("command.out");
    try {
      Process process = new ProcessBuilder(full).directory(folder.toFile())
          .redirectErrorStream(true).redirectOutput(output.toFile()).start();
      if (!process.waitFor(COMMAND_TIMEOUT_SECONDS + 10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", full) + " did not finish within "
            + (COMMAND_TIMEOUT_SECONDS + 10) + " s\n" + Files.readString(output));
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", full) + " failed with exit code "
            + process.exitValue() + ":\n" + Files.readString(output) + "\nserver log:\n"
            + log());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + full.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + full.get(0), e);
    }
  }

  private static boolean runningAsRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static int freePort() {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
    }
  }

  private static Optional<Path> binaries() {
    String configured = System.getenv("MICROPAY_PG_BIN");
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured)).filter(PostgresServer::hasServerPrograms);
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        Optional<Path> newest = versions.map(version -> version.resolve("bin"))
            .filter(PostgresServer::hasServerPrograms)
            .max(Comparator.comparingInt(PostgresServer::majorVersion));
        if (newest.isPresent()) {
          return newest;
        }
      } catch (IOException e) {
        // Fall through to the PATH.
      }
    }
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
        .filter(entry -> !entry.isEmpty()).map(Path::of)
        .filter(PostgresServer::hasServerPrograms).findFirst();
  }

  private static boolean hasServerPrograms(Path folder) {
    return Files.isExecutable(folder.resolve("initdb")) && Files.isExecutable(
        folder.resolve("pg_ctl"));
  }

  private static int majorVersion(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
