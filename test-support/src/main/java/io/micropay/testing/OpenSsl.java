package io.micropay.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code openssl} command line, the independent TLS client and certificate checker
 * of the tests. Every run has a deadline and is killed when it passes it.
 */
public final class OpenSsl {
  private OpenSsl() {
  }

  /**
   * What a run printed and how it ended.
   *
   * @param exitCode the exit code, or -1 when it was killed at its deadline
   * @param stdout everything it wrote to standard output
   * @param stderr everything it wrote to standard error
   */
  public record Result(int exitCode, String stdout, String stderr) {
    /** Standard output and standard error together, for assertions and failure messages. */
    public String output() {
      return stdout + stderr;
    }
  }

  /** Runs {@code openssl args...} with {@code stdin} as input, killed after {@code timeout}. */
  public static Result run(Duration timeout, byte[] stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).start();
      CompletableFuture<byte[]> out = drain(process.getInputStream());
      CompletableFuture<byte[]> err = drain(process.getErrorStream());
      try (var in = process.getOutputStream()) {
        in.write(stdin);
      } catch (IOException e) {
        // openssl may exit (say, after a failed handshake) before reading all its input.
      }
      boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      return new Result(finished ? process.exitValue() : -1, text(out), text(err));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run openssl (is it installed?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running openssl", e);
    }
  }

  /** Runs {@code openssl args...} with no input. */
  public static Result run(Duration timeout, String... args) {
    return run(timeout, new byte[0], args);
  }

  private static CompletableFuture<byte[]> drain(InputStream stream) {
    // Each stream on its own thread: a pool of one would read stderr only after stdout closed,
    // and openssl would block once stderr's pipe was full.
    return Background.supply("openssl output", () -> {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (stream) {
        stream.transferTo(bytes);
      } catch (IOException e) {
        // The process was killed; what was read so far is what there is.
      }
      return bytes.toByteArray();
    });
  }

  private static String text(CompletableFuture<byte[]> bytes) {
    return new String(bytes.join(), StandardCharsets.ISO_8859_1);
  }
}
