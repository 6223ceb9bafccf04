package io.micropay.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.cli.testing.CommandRun;
import io.micropay.pki.testing.TestPki;
import io.micropay.server.ledger.AuditReport;
import io.micropay.server.ledger.JdbcLedger;
import io.micropay.testing.ProtocolClient;
import io.micropay.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * audit, accounts and backup against a running server process (through its operator endpoint)
 * and against a stopped one (the ledger itself); the message for a ledger in use.
 */
@Timeout(120)
class LiveBooksTest {
  @TempDir
  Path directory;


  @Test
  void auditAccountsAndBackupOfARunningServerThenTheRestoredBackupAudits() throws Exception {
    Path ssl = directory.resolve("ssl");
    Path data = directory.resolve("data");
    TestPki pki = TestPki.create(ssl);
    pki.operator("olga");
    Path backups = directory.resolve("backups");
    try (ServerProcess server = ServerProcess.start(ssl, data, List.of())) {
      assertTrue(server.output().contains(ServerCommand.OPERATOR_ENDPOINT + "https://127.0.0.1:"),
          server.output());
      try (ProtocolClient alice = client(pki, "alice", server.port());
          ProtocolClient bob = client(pki, "bob", server.port())) {
        alice.expect("REGISTER#alice", "100 OK");
        bob.expect("REGISTER#bob", "100 OK");
        alice.send("alice#7001");
        alice.onlineList();
        alice.expect("alice#250#bob#0123abcd-0000-4000-8000-000000000001", "Transfer OK!");
      }
      CommandRun accounts =
          run("accounts", "--data-dir", data.toString(), "--ssl-dir", ssl.toString());
      assertEquals(0, accounts.exitCode(), accounts.err());
      assertTrue(accounts.out().contains("2 account(s), 20000 units in all"), accounts.out());
      assertTrue(accounts.out().matches("(?s).*alice +9750.*"), accounts.out());
      CommandRun audit = run("audit", "--data-dir", data.toString(), "--ssl-dir", ssl.toString());
      assertEquals(0, audit.exitCode(), audit.err());
      assertTrue(audit.out().startsWith(AuditReport.BALANCED), audit.out());
      assertTrue(audit.out().contains("transfers:         1"), audit.out());
      CommandRun backup = run("backup", backups.toString(), "--data-dir", data.toString(),
          "--ssl-dir", ssl.toString());
      assertEquals(0, backup.exitCode(), backup.err());
      assertEquals(143, server.stop(), "SIGTERM, as documented");
    }
    assertFalse(Files.exists(data.resolve("operator.url")), "removed at shutdown");
    // Restore as docs/operations.md says: the copy in place of <data-dir>/ledger.
    Path restored = directory.resolve("restored");
    copyTree(backups.resolve("ledger"), restored.resolve("ledger"));
    CommandRun audit = run("audit", "--data-dir", restored.toString());
    assertEquals(0, audit.exitCode(), audit.err());
    assertTrue(audit.out().contains("transfers:         1"), audit.out());
    try (JdbcLedger ledger = JdbcLedger.open("jdbc:derby:" + restored.resolve("ledger"), 1)) {
      assertEquals(9750, ledger.balance("alice").orElseThrow());
    }
  }

  @Test
  void aLedgerInUseByAServerWithoutEndpointSaysSo() throws Exception {
    Path ssl = directory.resolve("ssl");
    Path data = directory.resolve("data");
    TestPki.create(ssl);
    try (ServerProcess server = ServerProcess.start(ssl, data,
        List.of("--operator-port", "off"))) {
      CommandRun audit = run("audit", "--data-dir", data.toString());
      assertEquals(1, audit.exitCode(), audit.out());
      assertTrue(audit.err().contains("is in use by another process"), audit.err());
      assertFalse(audit.err().contains("see the next exception"), audit.err());
    }
  }

  private static ProtocolClient client(TestPki pki, String name, int port) throws Exception {
    return new ProtocolClient(pki.peerTls(name, 5_000).connectToServer("127.0.0.1", port,
        5_000));
  }

  private static CommandRun run(String... arguments) {
    return CommandRun.of(ServerCommand.commandLine(), arguments);
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
  }
}
