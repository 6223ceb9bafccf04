package io.micropay.peer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.cli.testing.CommandRun;
import io.micropay.server.TestServer;
import io.micropay.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer's one-shot commands through {@code CommandLine.execute} against a real server: exit
 * codes and the one line each prints.
 */
@Timeout(120)
class PeerCommandTest {
  @TempDir
  Path directory;

  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(directory);
    server.pki().peer("alice");
    server.pki().peer("bob");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void registerDepositListAndPayWithTheirExitCodes() throws Exception {
    CommandRun register = peer("alice", "register");
    assertEquals(0, register.exitCode(), register.err());
    assertEquals("registered alice\n", register.out());
    CommandRun again = peer("alice", "register");
    assertEquals(4, again.exitCode());
    assertTrue(again.err().startsWith("payment-peer: the server refused to register 'alice' "
        + "(210 FAIL)"), again.err());
    assertEquals(0, peer("bob", "register").exitCode());

    CommandRun deposit = peer("bob", "deposit", "500");
    assertEquals(0, deposit.exitCode(), deposit.err());
    assertEquals("deposited 500 into bob\n", deposit.out());

    CompletableFuture<CommandRun> online = new CompletableFuture<>();
    Thread aliceOnline = new Thread(() -> online.complete(peer("alice", "online", "--accept",
        "auto", "--auto-max", "1000", "--duration", "60s")), "alice-online");
    aliceOnline.start();
    Await.until("alice online", Duration.ofSeconds(20),
        () -> server.server().onlineAccounts() == 1);

    CommandRun list = peer("bob", "list");
    assertEquals(0, list.exitCode(), list.err());
    assertTrue(list.out().startsWith("balance 10500\n"), list.out());
    assertTrue(list.out().contains("alice  127.0.0.1:"), list.out());

    CommandRun pay = peer("bob", "pay", "alice", "300");
    assertEquals(0, pay.exitCode(), pay.err());
    assertEquals("paid alice 300 (balance 10500 -> 10200)\n", pay.out());

    CommandRun tooMuch = peer("bob", "pay", "alice", "1001");
    assertEquals(6, tooMuch.exitCode(), "over alice's automatic limit: declined");
    assertTrue(tooMuch.err().contains("alice declined automatically: 1001 is more than alice "
        + "accepts without asking (OVER_AUTO_LIMIT)"), tooMuch.err());

    CommandRun broke = peer("bob", "pay", "alice", "20000");
    assertEquals(4, broke.exitCode());
    assertTrue(broke.err().contains("insufficient funds: your balance is 10200"), broke.err());

    CommandRun offline = peer("bob", "pay", "carol", "5");
    assertEquals(5, offline.exitCode());
    assertTrue(offline.err().contains("carol is not online"), offline.err());

    assertEquals(OptionalLong.of(10_300), server.server().ledger().balance("alice"));
    aliceOnline.interrupt();
    CommandRun alice = online.get(60, TimeUnit.SECONDS);
    assertTrue(alice.out().contains("alice left"), alice.out());
    assertEquals(0, alice.exitCode(), alice.err());
    assertTrue(alice.out().contains("received 300 from bob (settled, confirmed by the server)"), alice.out());
    assertTrue(alice.out().contains("declined 1001 from bob (over the automatic limit"),
        alice.out());
  }

  @Test
  void listBeforeRegisteringSaysToRegister() {
    CommandRun list = peer("alice", "list");
    assertEquals(4, list.exitCode());
    assertTrue(list.err().contains("register the account first"), list.err());
  }

  @Test
  void usageErrorsAreExitTwo() {
    CommandRun badAmount = peer("bob", "pay", "alice", "0");
    assertEquals(2, badAmount.exitCode());
    assertTrue(badAmount.err().contains("is not an amount"), badAmount.err());
    assertEquals(2, peer("bob", "pay", "alice", "-5").exitCode());
    assertEquals(2, peer("bob", "pay", "alice", "12abc").exitCode());
    assertEquals(2, peer("bob", "pay", "alice").exitCode());
    assertEquals(2, peer("bob", "deposit").exitCode());
    assertEquals(2, peer("bob", "online", "--accept", "sometimes").exitCode());
    CommandRun unknown = run("--frobnicate", "list");
    assertEquals(2, unknown.exitCode());
  }

  @Test
  void anUnreachableServerIsExitThree() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    CommandRun run = run("--ssl-dir", server.pki().layout().directory().toString(), "--name", "bob",
        "--server", "127.0.0.1:" + closedPort, "list");
    assertEquals(3, run.exitCode());
    assertTrue(run.err().contains("cannot reach the server at 127.0.0.1:" + closedPort),
        run.err());
  }

  @Test
  void aServerNameNotInItsCertificateIsRefused() {
    CommandRun run = run("--ssl-dir", server.pki().layout().directory().toString(), "--name", "bob",
        "list", "--server", "127.0.0.2:" + server.port());
    assertEquals(3, run.exitCode(), run.err());
    assertTrue(run.err().contains("not for the host we dialled")
        || run.err().contains("cannot reach the server"), run.err());
  }

  @Test
  void identityProblemsAreExplained() {
    CommandRun several = run("--ssl-dir", server.pki().layout().directory().toString(), "--server",
        "127.0.0.1:" + server.port(), "list");
    assertEquals(1, several.exitCode());
    assertTrue(several.err().contains("holds several peers [alice, bob]; say which one with "
        + "--name"), several.err());
    CommandRun nobody = run("--ssl-dir", server.pki().layout().directory().toString(), "--name",
        "nobody", "--server", "127.0.0.1:" + server.port(), "list");
    assertEquals(1, nobody.exitCode());
    assertTrue(nobody.err().contains("nobody.crt does not exist"), nobody.err());
    CommandRun badServer = run("--ssl-dir", server.pki().layout().directory().toString(), "--name",
        "bob", "--server", "localhost", "list");
    assertEquals(2, badServer.exitCode(), "a malformed option is a usage error");
    assertTrue(badServer.err().contains("'localhost' is not <host>:<port>"), badServer.err());
    assertTrue(badServer.err().endsWith("see 'payment-peer --help'\n"), badServer.err());
  }

  @Test
  void aRevokedCertificateIsAClearFailure() {
    server.pki().revoke("bob");
    CommandRun run = peer("bob", "list");
    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("was revoked"), run.err());
  }

  @Test
  void optionsWorkBeforeAndAfterTheCommand() {
    assertEquals(0, peer("alice", "register").exitCode());
    CommandRun after = run("deposit", "7", "--ssl-dir",
        server.pki().layout().directory().toString(), "--name", "alice", "--server",
        "127.0.0.1:" + server.port());
    assertEquals(0, after.exitCode(), after.err());
    assertEquals(OptionalLong.of(10_007), server.server().ledger().balance("alice"));
  }

  private CommandRun peer(String name, String... command) {
    List<String> args = new ArrayList<>(List.of("--ssl-dir",
        server.pki().layout().directory().toString(), "--name", name, "--server",
        "127.0.0.1:" + server.port()));
    args.addAll(List.of(command));
    return run(args.toArray(String[]::new));
  }

  private static CommandRun run(String... args) {
    return Cli.run(args);
  }

  @Test
  void verboseIsAnOption() {
    assertEquals(0, peer("alice", "register").exitCode());
    CommandRun verbose = peer("alice", "--verbose", "deposit", "1");
    assertEquals(0, verbose.exitCode(), verbose.err());
    assertEquals(0, peer("alice", "-v", "deposit", "1").exitCode());
  }

  @Test
  void aUsageErrorIsOneLineAndWhereTheHelpIs() {
    CommandRun missing = peer("alice", "pay", "bob");
    assertEquals(2, missing.exitCode());
    assertEquals(List.of("payment-peer: Missing required parameter: '<amount>'",
        "see 'payment-peer pay --help'"), missing.err().lines().toList());
    CommandRun badPayee = peer("alice", "pay", "bo b", "5");
    assertEquals(2, badPayee.exitCode());
    assertTrue(badPayee.err().contains("has a character other than A-Z a-z 0-9 _ . -"),
        badPayee.err());
    assertEquals("", badPayee.out());
  }

  @Test
  void aRefusedDepositSaysWhyWithTheLimit() throws Exception {
    assertEquals(0, peer("alice", "register").exitCode());
    CommandRun tooMuch = peer("alice", "deposit", "2000000");
    assertEquals(4, tooMuch.exitCode());
    assertEquals("payment-peer: the server refused the deposit of 2000000 (DEPOSIT FAIL): the "
        + "server's limit is 1000000 per deposit\n", tooMuch.err());
    try (TestServer closed = TestServer.start(directory.resolve("no-deposits"),
        settings -> settings.withMaxDeposit(0))) {
      closed.pki().peer("alice");
      String ssl = closed.pki().layout().directory().toString();
      String at = "127.0.0.1:" + closed.port();
      assertEquals(0, run("--ssl-dir", ssl, "--server", at, "--name", "alice", "register")
          .exitCode());
      CommandRun disabled =
          run("--ssl-dir", ssl, "--server", at, "--name", "alice", "deposit", "5");
      assertEquals(4, disabled.exitCode());
      assertTrue(disabled.err().endsWith("deposits are disabled on this server\n"),
          disabled.err());
    }
  }

  @Test
  void aRevokedPeerWithAStaleCrlIsToldItsCertificateIsRevoked() throws Exception {
    assertEquals(0, peer("bob", "register").exitCode());
    // bob's own folder keeps the CRL from before his revocation; the server's has the new one.
    Path mine = directory.resolve("bob-ssl");
    Path peers = java.nio.file.Files.createDirectories(mine.resolve("peers"));
    Path ssl = server.pki().layout().directory();
    for (String file : List.of("ca.crt", "ca.crl")) {
      java.nio.file.Files.copy(ssl.resolve(file), mine.resolve(file));
    }
    for (String file : List.of("bob.crt", "bob.key")) {
      java.nio.file.Files.copy(ssl.resolve("peers").resolve(file), peers.resolve(file));
    }
    server.pki().revoke("bob");
    CommandRun list = run("--ssl-dir", mine.toString(), "--server", "127.0.0.1:" + server.port(),
        "list");
    assertEquals(3, list.exitCode(), list.err());
    assertTrue(list.err().contains("the other side refused our certificate (certificate_unknown), "
        + "though it is good by our CA and CRL: it is most likely revoked"),
        list.err());
  }
}
