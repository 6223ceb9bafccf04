package io.micropay.loadgen;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.cli.StandardCommandLine;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The load generator's options at and past their limits, and its output folder. */
@Timeout(120)
class BenchCommandTest {
  @TempDir
  Path directory;

  @ParameterizedTest
  @CsvSource({
      "--seconds, 0.1, 0.09", "--seconds, 3600, 3601",
      "--warmup, 0, -1", "--warmup, 3600, 3601",
      "--payers, 1, 0", "--payers, 1024, 1025",
      "--handshake-clients, 1, 0", "--handshake-clients, 256, 257",
      "--sessions, 1, 0", "--sessions, 50000, 50001",
      "--ledger-batches, 1, 0", "--ledger-batches, 1000, 1001",
      "--pairs, 1, 0", "--pairs, 1000, 1001",
      "--p2p-rate, 0, -1", "--p2p-rate, 100000, 100001"})
  void everyOptionIsCheckedAtAndPastItsLimit(String option, String atLimit, String past) {
    assertDoesNotThrow(() -> parsed(option, atLimit).validate());
    CommandLine.ParameterException refused = assertThrows(CommandLine.ParameterException.class,
        () -> parsed(option, past).validate());
    assertTrue(refused.getMessage().startsWith(option + " must be "), refused.getMessage());
  }

  @Test
  void theServerEnginesAreNamedOnceEach() {
    assertDoesNotThrow(() -> parsed("--tls-engines", "jdk").validate());
    assertDoesNotThrow(() -> parsed("--tls-engines", "jdk,boringssl").validate());
    CommandLine.ParameterException twice = assertThrows(CommandLine.ParameterException.class,
        () -> parsed("--tls-engines", "jdk,jdk").validate());
    assertTrue(twice.getMessage().contains("each engine at most once"), twice.getMessage());
    assertThrows(CommandLine.ParameterException.class,
        () -> parsed("--tls-engines", "openssl"));
  }

  @Test
  void anUnknownScenarioIsRefusedWithTheKnownOnes() {
    CommandLine.ParameterException refused = assertThrows(CommandLine.ParameterException.class,
        () -> parsed("--scenarios", "ledger,handshake").validate());
    assertTrue(refused.getMessage().contains("'handshake'"), refused.getMessage());
    assertTrue(refused.getMessage().contains(BenchCommand.ALL), refused.getMessage());
  }

  @Test
  void aFolderLoadgenDidNotMakeIsNeverEmptied() throws IOException {
    Path precious = Files.writeString(directory.resolve("thesis.txt"), "do not delete");
    StringWriter err = new StringWriter();
    int exit = execute(err, "--out", directory.toString(), "--scenarios", "ledger");
    assertEquals(StandardCommandLine.USAGE, exit, err.toString());
    assertTrue(err.toString().contains("was not made by loadgen"), err.toString());
    assertEquals("do not delete", Files.readString(precious));
  }

  @Test
  void theLedgerScenarioWritesItsResultsAndCanRunAgainInTheSameFolder() throws IOException {
    Path out = directory.resolve("bench");
    for (int run = 1; run <= 2; run++) {
      StringWriter err = new StringWriter();
      int exit = execute(err, "--out", out.toString(), "--scenarios", "ledger",
          "--seconds", "0.2", "--warmup", "0", "--ledger-batches", "1,10");
      assertEquals(StandardCommandLine.OK, exit, "run " + run + ": " + err);
      List<String> csv = Files.readAllLines(out.resolve("results.csv"));
      assertEquals(Result.csvHeader(), csv.get(0));
      assertEquals(4, csv.size(), "header, the fsync baseline, 1 and 10 per transaction");
      assertTrue(csv.get(3).startsWith("\"5 ledger\",\"10 per transaction\",10,"), csv.get(3));
      assertTrue(Files.readString(out.resolve("results.md")).contains("| 5 ledger |"));
      assertTrue(Files.readString(out.resolve("throughput.svg")).startsWith("<svg"));
    }
  }

  /**
   * The same payers in two rows: the second row's reports must be new transfers that move
   * money. (Ids that restarted with each row were answered OK as transfers settled before, and
   * the bench then timed that lookup instead of settlements.) Runs the real server jar, which
   * the build packaged before this module.
   */
  @Test
  void transferRowsWithTheSamePayersEachSettleWhatTheyReport() throws IOException {
    Path out = directory.resolve("bench");
    StringWriter err = new StringWriter();
    int exit = execute(err, "--out", out.toString(), "--server-jar", serverJar().toString(),
        "--scenarios", "transfers", "--payers", "2,2", "--sessions", "1",
        "--seconds", "0.5", "--warmup", "0.2");
    assertEquals(StandardCommandLine.OK, exit, err.toString());
    List<String> rows = Files.readAllLines(out.resolve("results.csv")).stream()
        .filter(line -> line.startsWith("\"2 transfers\",\"2 payers, boringssl engine\",2,"))
        .toList();
    assertEquals(2, rows.size(), String.join("\n", rows));
  }

  /**
   * The server's session limit and the certificates come from the scenarios that run: 100
   * payers online at once with {@code --sessions 1} (the server's limit was once the largest
   * sessions level plus 100, whatever the other scenarios needed).
   */
  @Test
  void theServerAdmitsAsManyPeersAsTheSelectedScenarioHasOnline() throws IOException {
    Path out = directory.resolve("bench");
    StringWriter err = new StringWriter();
    int exit = execute(err, "--out", out.toString(), "--server-jar", serverJar().toString(),
        "--scenarios", "transfers", "--payers", "100", "--sessions", "1",
        "--seconds", "0.2", "--warmup", "0");
    assertEquals(StandardCommandLine.OK, exit, err.toString());
    assertTrue(Files.readString(out.resolve("results.csv"))
        .contains("\"2 transfers\",\"100 payers, boringssl engine\",100,"), err.toString());
    assertTrue(Files.readString(out.resolve("results.csv"))
        .contains("\"2 transfers\",\"100 payers, jdk engine\",100,"), err.toString());
  }

  /** The server jar the build packaged before this module; the bench runs it as operators do. */
  static Path serverJar() {
    Path serverJar = Path.of("..", "payment-server", "target", "payment-server.jar");
    assertTrue(Files.isRegularFile(serverJar), "build the server first: " + serverJar);
    return serverJar;
  }

  private static BenchCommand parsed(String... args) {
    BenchCommand command = new BenchCommand();
    StandardCommandLine.create(command, List.of()).parseArgs(args);
    return command;
  }

  private static int execute(StringWriter err, String... args) {
    CommandLine commandLine = StandardCommandLine.create(new BenchCommand(),
        List.of(IOException.class));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }
}
