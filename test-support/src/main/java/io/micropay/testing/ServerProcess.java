package io.micropay.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The payment server as a separate JVM, started from this JVM's class path, for tests that must
 * kill it for real (SIGKILL) or stop it the way an operator does (SIGTERM). It listens on a port
 * the system picks; {@link #port()} reads it from the start-up line.
 */
public final class ServerProcess implements AutoCloseable {
  /** The server's main class; named, not linked, so test-support stays below the server. */
  public static final String MAIN_CLASS = "io.micropay.server.cli.ServerCommand";
  private static final Pattern LISTENING = Pattern.compile("listening on [^:]+:(\\d+)");
  private static final long START_TIMEOUT_SECONDS = 60;

  private final Process process;
  private final int port;
  private final StringBuffer output;
  private final Thread reader;

  private ServerProcess(Process process, int port, StringBuffer output, Thread reader) {
    this.process = process;
    this.port = port;
    this.output = output;
    this.reader = reader;
  }

  /**
   * Starts {@code payment-server --port 0 --ssl-dir sslDirectory --data-dir dataDirectory}
   * plus {@code extraArguments}, and waits until it listens.
   */
  public static ServerProcess start(Path sslDirectory, Path dataDirectory,
      List<String> extraArguments) {
    return start(0, sslDirectory, dataDirectory, extraArguments);
  }

  /** As {@link #start(Path, Path, List)}, on {@code port} (a restart on the same address). */
  public static ServerProcess start(int port, Path sslDirectory, Path dataDirectory,
      List<String> extraArguments) {
    return start(List.of(), port, sslDirectory, dataDirectory, extraArguments);
  }

  /**
   * As {@link #start(Path, Path, List)}, in a JVM given {@code jvmOptions} ({@code -Xmx64m}...),
   * for tests of what the server itself holds, apart from the test's own JVM.
   */
  public static ServerProcess start(List<String> jvmOptions, Path sslDirectory,
      Path dataDirectory, List<String> extraArguments) {
    return start(jvmOptions, 0, sslDirectory, dataDirectory, extraArguments);
  }

  private static ServerProcess start(List<String> jvmOptions, int port, Path sslDirectory,
      Path dataDirectory, List<String> extraArguments) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), MAIN_CLASS,
        "--port", Integer.toString(port), "--ssl-dir", sslDirectory.toString(),
        "--data-dir", dataDirectory.toString()));
    command.addAll(extraArguments);
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      StringBuffer output = new StringBuffer();
      CompletableFuture<Integer> listening = new CompletableFuture<>();
      Thread reader = new Thread(() -> readOutput(process, output, listening), "server-output");
      reader.setDaemon(true);
      reader.start();
      try {
        return new ServerProcess(process,
            listening.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS), output, reader);
      } catch (ExecutionException | TimeoutException e) {
        process.destroyForcibly();
        throw new IllegalStateException("the server did not start:\n" + output, e);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the server process", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the server", e);
    }
  }

  public int port() {
    return port;
  }

  /** Everything the server printed so far. */
  public String output() {
    return output.toString();
  }

  /** Kills the server with SIGKILL, as a crash would, and waits for it to be gone. */
  public void kill() throws InterruptedException {
    // Through the handle: Process.destroy* would also close our end of the output pipe and
    // lose what the server prints last.
    process.toHandle().destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the server survived SIGKILL for 30 s");
    }
    reader.join(5_000);
  }

  /** Stops the server with SIGTERM and returns its exit code. */
  public int stop() throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("the server did not stop within 30 s of SIGTERM:\n"
          + output);
    }
    // The output is read on another thread: let it take the last lines before anyone looks.
    reader.join(5_000);
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  private static void readOutput(Process process, StringBuffer output,
      CompletableFuture<Integer> port) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(
        process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        output.append(line).append('\n');
        Matcher matcher = LISTENING.matcher(line);
        if (!port.isDone() && matcher.find()) {
          port.complete(Integer.parseInt(matcher.group(1)));
        }
      }
    } catch (IOException e) {
      // The process ended (killed); what it printed is in the buffer.
    }
    port.completeExceptionally(new IllegalStateException("the server exited before listening"));
  }
}
