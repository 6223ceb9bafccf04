package io.micropay.loadgen;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A benchmark stopped early (Ctrl-C, kill) takes the processes it started with it. */
@Timeout(120)
class ChildProcessesTest {
  @TempDir
  Path directory;

  @Test
  void aBenchStoppedWhileItMeasuresLeavesNoServerRunning()
      throws IOException, InterruptedException, ExecutionException, TimeoutException {
    Process bench = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), BenchCommand.class.getName(),
        "--out", directory.resolve("bench").toString(), "--server-jar",
        BenchCommandTest.serverJar().toString(),
        "--scenarios", "transfers", "--payers", "1", "--seconds", "600", "--warmup", "0"))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    List<ProcessHandle> children = List.of();
    try {
      awaitProgressLine(bench);
      children = bench.descendants().toList();
      assertFalse(children.isEmpty(), "the bench started no server");

      bench.destroy();

      assertTrue(bench.waitFor(30, TimeUnit.SECONDS), "the bench did not stop");
      for (ProcessHandle child : children) {
        child.onExit().get(30, TimeUnit.SECONDS);
      }
    } finally {
      // Orphans no longer count as the bench's descendants: kill the ones seen while it ran.
      children.forEach(ProcessHandle::destroyForcibly);
      bench.destroyForcibly();
    }
  }

  /** Reads the bench's stderr up to its first progress line: the server is up and measured. */
  private static void awaitProgressLine(Process bench) throws IOException {
    BufferedReader err = new BufferedReader(new InputStreamReader(bench.getErrorStream(),
        StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line = err.readLine(); line != null; line = err.readLine()) {
      if (line.contains(TransferScenario.NAME) && line.contains(" ops ")) {
        return;
      }
      seen.append(line).append('\n');
    }
    throw new AssertionError("the bench ended before measuring:\n" + seen);
  }
}
