package io.micropay.server.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Where a ledger lives, how it is closed, and what survives a close, a reopen and a kill. */
@Timeout(120)
class LedgerLifecycleTest {

  @Test
  void theDerbyUrlPutsTheLedgerInItsDataDirectoryAsAnAbsolutePathAndCreatesIt() {
    Path data = Path.of("some", "data");
    assertEquals("jdbc:derby:" + data.resolve("ledger").toAbsolutePath() + ";create=true",
        Ledgers.derbyUrl(data));
    assertEquals("jdbc:derby:memory:x;create=true", Ledgers.derbyInMemoryUrl("x"));
  }

  @Test
  void closingAnInMemoryLedgerDropsItsDatabase() {
    String name = "dropped-" + UUID.randomUUID();
    JdbcLedger ledger = JdbcLedger.open(Ledgers.derbyInMemoryUrl(name), 1);
    ledger.openAccount("alice", 1, 0);
    ledger.close();
    SQLException gone = assertThrows(SQLException.class,
        () -> DriverManager.getConnection("jdbc:derby:memory:" + name));
    assertEquals("XJ004", gone.getSQLState(), "database not found");
  }

  @Test
  void closingAnOnDiskLedgerShutsItDownSoItOpensAgainWithItsData(@TempDir Path directory) {
    String url = Ledgers.derbyUrl(directory);
    JdbcLedger first = JdbcLedger.open(url, 2);
    first.openAccount("alice", 10_000, 0);
    first.close();
    first.close();
    try (JdbcLedger second = JdbcLedger.open(url, 2)) {
      assertEquals(OptionalLong.of(10_000), second.balance("alice"));
    }
  }

  @Test
  void openingAnAbsentLedgerWithoutCreateSaysThereIsNoLedger(@TempDir Path directory) {
    LedgerException e = assertThrows(LedgerException.class,
        () -> JdbcLedger.open("jdbc:derby:" + directory.resolve("absent"), 1));
    assertTrue(e.getMessage().contains("there is no ledger at"), e.getMessage());
  }

  @Test
  void everyTransferReportedSettledSurvivesAKillOfTheProcess(@TempDir Path directory)
      throws Exception {
    String url = Ledgers.derbyUrl(directory);
    Process child = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "-Dderby.stream.error.file=" + directory.resolve("derby.log"),
        TransferUntilKilled.class.getName(), url)
        .redirectError(directory.resolve("child.err").toFile())
        .start();
    Set<String> acknowledged = new HashSet<>();
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
      assertEquals("ready", out.readLine(), "the child's stderr is in " + directory);
      while (acknowledged.size() < 200) {
        String line = out.readLine();
        assertTrue(line != null && line.startsWith("settled "), "child said: " + line);
        acknowledged.add(line.substring("settled ".length()));
      }
      // SIGKILL: no shutdown hook, no Derby shutdown, whatever is not on disk is lost.
      child.destroyForcibly();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
    } finally {
      child.destroyForcibly();
    }
    try (JdbcLedger reopened = JdbcLedger.open(url, 1)) {
      AuditReport report = reopened.audit();
      assertTrue(report.balanced(), report.describe());
      List<JournalEntry> transfers = reopened.journal("bob", 1_000_000).stream()
          .filter(e -> e.kind() == JournalEntry.Kind.TRANSFER).toList();
      Set<String> journalled = new HashSet<>();
      transfers.forEach(e -> journalled.add(e.transferId()));
      assertEquals(transfers.size(), journalled.size(), "every id once");
      assertTrue(journalled.containsAll(acknowledged),
          "every transfer the child saw settled is in the journal after the kill");
      assertEquals(OptionalLong.of(transfers.size()), reopened.balance("bob"));
    }
  }
}
