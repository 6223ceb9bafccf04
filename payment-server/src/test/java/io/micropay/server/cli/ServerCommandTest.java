package io.micropay.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.cli.testing.CommandRun;
import io.micropay.server.ServerConfig;
import io.micropay.server.ledger.JdbcLedger;
import io.micropay.server.ledger.Ledgers;
import io.micropay.server.ledger.TransferCommand;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The payment-server command line through CommandLine.execute: options, audit, accounts. */
class ServerCommandTest {
  @TempDir
  Path directory;


  @Test
  void auditExitsZeroWhenTheBooksBalanceAndThreeWithAReportWhenNot() throws Exception {
    Path data = directory.resolve("data");
    String url = Ledgers.derbyUrl(data);
    try (JdbcLedger ledger = JdbcLedger.open(url, 1)) {
      ledger.openAccount("alice", 10_000, 0);
      ledger.openAccount("bob", 10_000, 0);
      ledger.transfer(new TransferCommand("alice", "bob", 250, null));
    }
    CommandRun balanced = run("audit", "--data-dir", data.toString());
    assertEquals(0, balanced.exitCode(), balanced.err());
    assertTrue(balanced.out().startsWith("BALANCED"), balanced.out());
    assertTrue(balanced.out().contains("transfers:         1"), balanced.out());

    CommandRun accounts = run("accounts", "--data-dir", data.toString());
    assertEquals(0, accounts.exitCode(), accounts.err());
    assertTrue(accounts.out().lines().anyMatch(l -> l.startsWith("alice") && l.endsWith("9750")),
        accounts.out());
    assertTrue(accounts.out().contains("2 account(s), 20000 units in all"), accounts.out());

    try (Connection connection = DriverManager.getConnection(url);
        Statement tamper = connection.createStatement()) {
      tamper.executeUpdate("UPDATE accounts SET balance = balance + 7 WHERE name = 'alice'");
    }
    shutdownDerby(data);
    CommandRun unbalanced = run("audit", "--data-dir", data.toString());
    assertEquals(3, unbalanced.exitCode(), unbalanced.out());
    assertTrue(unbalanced.out().contains("NOT BALANCED"), unbalanced.out());
    assertTrue(unbalanced.out().contains("account alice has balance 9757"), unbalanced.out());
  }

  @Test
  void auditOfAMissingLedgerSaysSo() {
    CommandRun missing = run("audit", "--data-dir", directory.resolve("nothing").toString());
    assertEquals(1, missing.exitCode());
    assertTrue(missing.err().contains("no ledger"), missing.err());
  }

  @Test
  void badOptionsAreUsageErrorsWithAClearMessage() {
    CommandRun port = run("--port", "70000");
    assertEquals(2, port.exitCode());
    assertTrue(port.err().contains("port must be 0..65535"), port.err());
    CommandRun timeout = run("--idle-timeout", "10");
    assertEquals(2, timeout.exitCode());
    assertTrue(timeout.err().contains("write a whole number and a unit"), timeout.err());
    CommandRun zero = run("--handshake-timeout", "0s");
    assertEquals(2, zero.exitCode());
    assertTrue(zero.err().contains("handshake timeout must be more than 0"), zero.err());
    CommandRun verbosity = run("--verbosity", "loud");
    assertEquals(2, verbosity.exitCode());
    assertTrue(verbosity.err().contains("events, list, all") || verbosity.err()
        .contains("EVENTS, LIST, ALL"), verbosity.err());
    CommandRun sessions = run("--max-sessions", "0");
    assertEquals(2, sessions.exitCode());
    CommandRun deposit = run("--max-deposit", "1000000001");
    assertEquals(2, deposit.exitCode());
  }

  /** The limit of connections per certificate: 8 by default, 1 to 100,000, else a usage error. */
  @Test
  void connectionsPerCertificateAreOneToTheSessionBoundWithADefaultOfEight() {
    assertEquals(8, configOf().maxConnectionsPerCertificate());
    assertEquals(1, configOf("--max-connections-per-certificate", "1")
        .maxConnectionsPerCertificate());
    assertEquals(ServerConfig.MAX_SESSIONS, configOf("--max-connections-per-certificate",
        Integer.toString(ServerConfig.MAX_SESSIONS)).maxConnectionsPerCertificate());
    CommandRun zero = run("--max-connections-per-certificate", "0");
    assertEquals(2, zero.exitCode());
    assertTrue(zero.err().contains("max connections per certificate must be 1..100000, was 0"),
        zero.err());
    CommandRun over = run("--max-connections-per-certificate", "100001");
    assertEquals(2, over.exitCode());
  }

  private ServerConfig configOf(String... arguments) {
    CommandLine line = ServerCommand.commandLine();
    line.parseArgs(arguments);
    return ((ServerCommand) line.getCommand()).config();
  }

  @Test
  void missingCertificatesAreAClearFailure() {
    CommandRun run = run("--port", "0", "--ssl-dir", directory.resolve("no-ssl").toString(),
        "--data-dir", directory.resolve("data").toString());
    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("does not exist"), run.err());
  }

  @Test
  void helpExplainsEveryOption() {
    CommandRun help = run("--help");
    assertEquals(0, help.exitCode());
    for (String option : new String[] {"--port", "--ssl-dir", "--data-dir", "--db-url",
        "--threads", "--max-sessions", "--max-connections-per-certificate", "--initial-balance",
        "--max-deposit", "--idle-timeout", "--handshake-timeout", "--verbosity", "audit",
        "accounts"}) {
      assertTrue(help.out().contains(option), option);
    }
  }

  @Test
  void theReadyLineNamesItsPortAlsoBehindAnIpv6Host() {
    assertEquals(OptionalInt.of(4433), ServerCommand.listeningPort(ServerCommand.LISTENING
        + "127.0.0.1:4433, trusting CA 'CN=micropay CA' (ssl/ca.crt), ledger ssl:9"));
    assertEquals(OptionalInt.of(65535), ServerCommand.listeningPort(ServerCommand.LISTENING
        + "0:0:0:0:0:0:0:1:65535, trusting CA 'CN=a:1, b' (ca.crt), ledger x"));
    assertEquals(OptionalInt.empty(), ServerCommand.listeningPort(
        "Picked up JAVA_TOOL_OPTIONS: -Dx=1"));
    assertEquals(OptionalInt.empty(), ServerCommand.listeningPort(ServerCommand.LISTENING
        + "127.0.0.1:, trusting CA 'x'"));
  }

  private static void shutdownDerby(Path data) {
    try {
      DriverManager.getConnection("jdbc:derby:" + data.resolve("ledger").toAbsolutePath()
          + ";shutdown=true");
    } catch (java.sql.SQLException expected) {
      // 08006: shut down, as asked.
    }
  }

  private static CommandRun run(String... args) {
    return CommandRun.of(ServerCommand.commandLine(), args);
  }
}
