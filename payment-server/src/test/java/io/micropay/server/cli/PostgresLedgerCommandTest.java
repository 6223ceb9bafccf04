package io.micropay.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.cli.testing.CommandRun;
import io.micropay.server.ledger.Dialect;
import io.micropay.server.ledger.JdbcLedger;
import io.micropay.server.ledger.TestLedgers;
import io.micropay.server.ledger.TransferCommand;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The commands on a PostgreSQL ledger: --db-url, the password options, an unreachable server. */
@Timeout(120)
class PostgresLedgerCommandTest {
  @TempDir
  Path directory;


  @Test
  void auditAndAccountsTakeAPostgresUrlAndAPasswordFile() throws Exception {
    String url = TestLedgers.freshUrl(Dialect.POSTGRESQL, "cli");
    try (JdbcLedger ledger = JdbcLedger.open(url, 1)) {
      ledger.openAccount("alice", 10_000, 0);
      ledger.openAccount("bob", 0, 0);
      ledger.transfer(new TransferCommand("alice", "bob", 250, "t1"));
    }
    // The test server trusts every local connection, so the password is read and sent but
    // not checked; what is checked is that the option is taken.
    Path passwordFile = directory.resolve("db-password");
    Files.writeString(passwordFile, "secret\n");
    CommandRun audit = run("audit", "--db-url", url, "--db-password-file", passwordFile.toString());
    assertEquals(0, audit.exitCode(), audit.err());
    assertTrue(audit.out().startsWith("BALANCED"), audit.out());
    CommandRun accounts = run("accounts", "--db-url", url);
    assertEquals(0, accounts.exitCode(), accounts.err());
    assertTrue(accounts.out().contains("2 account(s), 10000 units in all"), accounts.out());
  }

  @Test
  void anUnreachableServerIsOneLineWithHostPortAndTheDriversReasonAndExitOne() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/ledger?user=micropay";
    for (String command : new String[] {"audit", "accounts"}) {
      CommandRun run = run(command, "--db-url", url);
      assertEquals(1, run.exitCode(), run.err());
      String line = run.err().strip();
      assertFalse(line.contains("\n"), "one line: " + run.err());
      assertTrue(line.contains("127.0.0.1:" + closedPort), line);
      assertTrue(line.contains("refused"), "the driver's reason: " + line);
    }
  }

  @Test
  void aPasswordInTheUrlIsRefused() {
    CommandRun audit = run("audit", "--db-url",
        "jdbc:postgresql://127.0.0.1:1/ledger?user=micropay&password=oops");
    assertEquals(1, audit.exitCode());
    assertTrue(audit.err().contains("--db-password-file"), audit.err());
    assertFalse(audit.err().contains("oops"), audit.err());
    CommandRun server = run("--db-url", "jdbc:postgresql://127.0.0.1:1/ledger?password=oops");
    assertEquals(2, server.exitCode());
    assertTrue(server.err().contains("MICROPAY_DB_PASSWORD"), server.err());
  }

  private static CommandRun run(String... args) {
    return CommandRun.of(ServerCommand.commandLine(), args);
  }
}
