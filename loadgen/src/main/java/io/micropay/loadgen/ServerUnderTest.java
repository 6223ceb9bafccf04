package io.micropay.loadgen;

import io.micropay.server.cli.ServerCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The payment server as the benchmark runs it: its own JVM, from its jar, exactly as an operator
 * would start it, on a free port, with its log in a file. Its memory is read from the kernel.
 */
final class ServerUnderTest implements AutoCloseable {
  /** Time for a clean shutdown (in-flight requests, the ledger's checkpoint) before a kill. */
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(60);

  private final Process process;
  private final int port;

  private ServerUnderTest(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static ServerUnderTest start(Path jar, List<String> jvmOptions, Path sslDirectory,
      Path dataDirectory, Path log, List<String> options) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar.toString(), "--port", "0",
        "--ssl-dir", sslDirectory.toString(), "--data-dir", dataDirectory.toString()));
    command.addAll(options);
    Files.createDirectories(log.toAbsolutePath().getParent());
    Process process = ChildProcesses.start(new ProcessBuilder(command)
        .redirectError(log.toFile()));
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8));
    // The JVM may print lines of its own first (a profiler starting, say): skip them.
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      OptionalInt port = ServerCommand.listeningPort(line);
      if (port.isPresent()) {
        return new ServerUnderTest(process, port.getAsInt());
      }
    }
    process.destroyForcibly();
    throw new IOException("the server did not start; see " + log);
  }

  int port() {
    return port;
  }

  /** The server's process, for its CPU time. */
  ProcessHandle handle() {
    return process.toHandle();
  }

  /** The server's resident memory, from /proc (Linux). */
  long residentBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()),
        "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    throw new IOException("no VmRSS for process " + process.pid());
  }

  @Override
  public void close() throws InterruptedException {
    ChildProcesses.stop(process, SHUTDOWN_GRACE);
  }
}
