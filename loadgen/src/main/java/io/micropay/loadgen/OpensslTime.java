package io.micropay.loadgen;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenSSL command line as the handshake baseline: {@code openssl s_server} as a server with
 * the benchmark's certificates, and {@code openssl s_time} as a client against it and against
 * micropay. s_time is sequential (one connection at a time), so its rows have concurrency 1; it
 * measures no latency.
 */
final class OpensslTime {
  private static final Pattern CONNECTIONS = Pattern.compile("^(\\d+) connections in ");
  private static final Pattern PROGRESS = Pattern.compile("[*r]+");
  private static final Pattern ACCEPT = Pattern.compile("^ACCEPT .*:(\\d+)$");
  /**
   * A request path longer than micropay's longest line: micropay answers {@code 230} and closes,
   * as {@code s_server -www} answers and closes, so s_time reads a reply and with it the TLS 1.3
   * session ticket that resumption needs.
   */
  static final String OVERLONG_PATH = "/" + "x".repeat(1100);

  /** A client identity and the CA, as files. */
  record ClientFiles(Path certificate, Path key, Path ca) {
  }

  private OpensslTime() {
  }

  /**
   * Runs {@code openssl s_time} against 127.0.0.1:{@code port} for {@code seconds}.
   *
   * @param resume true for {@code -reuse}, false for {@code -new}
   * @param path the {@code -www} path, or null to send nothing
   */
  static Result run(String variant, int port, ClientFiles files, boolean resume, String path,
      int seconds, String note) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl", "s_time", "-connect",
        "127.0.0.1:" + port, resume ? "-reuse" : "-new", "-time", Integer.toString(seconds),
        "-cert", files.certificate().toString(), "-key", files.key().toString(),
        "-CAfile", files.ca().toString()));
    if (path != null) {
      command.addAll(List.of("-www", path));
    }
    System.err.printf(Locale.ROOT, "  %-14s %-24s %d s ...%n", HandshakeScenario.NAME, variant,
        seconds);
    long startNanos = System.nanoTime();
    Process process = ChildProcesses.start(new ProcessBuilder(command)
        .redirectErrorStream(true));
    long connections = -1;
    long resumed = 0;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(
        process.getInputStream(), StandardCharsets.US_ASCII))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        // s_time prints one character per connection, '*' new and 'r' resumed, on lines of
        // their own.
        if (PROGRESS.matcher(line).matches()) {
          resumed += line.chars().filter(c -> c == 'r').count();
        }
        Matcher matcher = CONNECTIONS.matcher(line);
        if (matcher.find() && connections < 0) {
          connections = Long.parseLong(matcher.group(1));
        }
      }
    }
    if (!process.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("openssl s_time did not finish");
    }
    double elapsed = (System.nanoTime() - startNanos) / 1e9;
    if (connections < 0) {
      throw new IOException("openssl s_time printed no result (exit " + process.exitValue()
          + "): " + String.join(" ", command));
    }
    String counted = resume ? String.format(Locale.ROOT, "; %d of %d resumed", resumed,
        connections) : "";
    return new Result(HandshakeScenario.NAME, variant, 1, connections, elapsed, -1, -1, -1,
        note + counted, CpuUse.NOT_MEASURED);
  }

  /** {@code openssl s_server -www} on 127.0.0.1, a free port, requiring a client certificate. */
  static final class Server implements AutoCloseable {
    private final Process process;
    private final int port;

    Server(Path certificate, Path key, Path ca, Path log) throws IOException {
      Files.createDirectories(log.toAbsolutePath().getParent());
      process = ChildProcesses.start(new ProcessBuilder("openssl", "s_server",
          "-accept", "127.0.0.1:0", "-cert", certificate.toString(), "-key", key.toString(),
          "-CAfile", ca.toString(), "-Verify", "1", "-www")
          .redirectErrorStream(true));
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.US_ASCII));
      int found = -1;
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        Matcher matcher = ACCEPT.matcher(line.trim());
        if (matcher.find()) {
          found = Integer.parseInt(matcher.group(1));
          break;
        }
      }
      if (found < 0) {
        process.destroyForcibly();
        throw new IOException("openssl s_server did not start");
      }
      port = found;
      // s_server prints a line per connection: drain it into the log so it never blocks.
      Thread drain = new Thread(() -> {
        try {
          process.getInputStream().transferTo(Files.newOutputStream(log));
        } catch (IOException ignored) {
          // The server was stopped.
        }
      }, "s_server-log");
      drain.setDaemon(true);
      drain.start();
    }

    int port() {
      return port;
    }

    @Override
    public void close() throws InterruptedException {
      ChildProcesses.stop(process, Duration.ofSeconds(10));
    }
  }
}
