package io.micropay.peer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.cli.testing.CommandRun;
import io.micropay.peer.AcceptPolicy;
import io.micropay.peer.Backoff;
import io.micropay.peer.PeerConfig;
import io.micropay.peer.PeerNode;
import io.micropay.peer.ServerAddress;
import io.micropay.peer.cli.Cli.Running;
import io.micropay.pki.Passphrase;
import io.micropay.pki.testing.TestPki;
import io.micropay.testing.Await;
import io.micropay.testing.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A headless {@code payment-peer online} against the real server as a separate process: it stays
 * listed however quiet it is, comes back by itself after the server restarts (SIGTERM and
 * SIGKILL), stops for good when a newer login replaces it or its certificate is revoked, and
 * serves the one-shot commands of its account through its control socket.
 */
@Timeout(180)
class StayingOnlineTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  /** The promise: back in the online list within 10 s of the server's return. */
  private static final Duration BACK_WITHIN = Duration.ofSeconds(10);
  private static final List<String> SERVER_OPTIONS = List.of("--idle-timeout", "2s");

  @TempDir
  Path directory;

  private TestPki pki;
  private ServerProcess server;
  private final List<AutoCloseable> closeAfter = new ArrayList<>();

  @BeforeEach
  void start() {
    pki = TestPki.create(directory.resolve("ssl"));
    server = ServerProcess.start(pki.layout().directory(), directory.resolve("data"),
        SERVER_OPTIONS);
    for (String name : List.of("alice", "bob")) {
      pki.peer(name);
      CommandRun register = peer(name, "register");
      assertEquals(0, register.exitCode(), register.err());
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : closeAfter) {
      closeable.close();
    }
    server.close();
  }

  @Test
  void aRunningPeerStaysListedWhenIdleAndComesBackAfterRestarts() throws Exception {
    Running alice = online("alice");
    PeerNode bob = bob();
    Await.until("alice listed", WAIT, () -> listed(bob, "alice"));
    // Ten quiet seconds: five idle timeouts. The keep-alive holds the one session open.
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < until) {
      assertTrue(listed(bob, "alice"), "alice dropped off the list:\n" + alice.output());
      Thread.sleep(500);
    }
    assertEquals(1, logins("alice"), "one login, never lost:\n" + server.output());

    int port = server.port();
    server.stop();
    Await.until("alice noticed", WAIT, () -> alice.output().contains(
        "the server is shutting down; reconnecting"));
    server = ServerProcess.start(port, pki.layout().directory(), directory.resolve("data"),
        SERVER_OPTIONS);
    Await.until("alice back after SIGTERM", BACK_WITHIN, () -> logins("alice") == 1);
    Await.until("bob back after SIGTERM", BACK_WITHIN, () -> listed(bob, "alice"));
    assertEquals(9_990, bob.pay("alice", 10).balanceAfterUnits());
    // alice confirms the credit on her own session after bob's relay: let her, before the kill.
    Await.until("alice confirmed the first", WAIT, () -> alice.output().contains(
        "received 10 from bob (settled, confirmed by the server)"));

    server.kill();
    server = ServerProcess.start(port, pki.layout().directory(), directory.resolve("data"),
        SERVER_OPTIONS);
    Await.until("alice back after SIGKILL", BACK_WITHIN, () -> logins("alice") == 1);
    Await.until("bob back after SIGKILL", BACK_WITHIN, () -> listed(bob, "alice"));
    assertEquals(9_980, bob.pay("alice", 10).balanceAfterUnits());
    try {
      Await.until("alice saw both", WAIT, () -> alice.output().split(
          "received 10 from bob \\(settled, confirmed by the server\\)", -1).length == 3);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + ":\n" + alice.output(), e);
    }
    assertTrue(alice.output().contains("back online at 127.0.0.1:" + port), alice.output());
    assertFalse(alice.isDone(), alice.output());
  }

  @Test
  void anOlderPeerReplacedByANewerLoginStopsAndSaysWhy() throws Exception {
    Running first = online("alice");
    Await.until("the first alice online", WAIT, () -> logins("alice") == 1);
    // Another machine, as far as the control socket knows: its own control folder.
    Running second = Cli.start("alice-2", withServer("alice", "--control-dir",
        directory.resolve("elsewhere").toString(), "online", "--accept", "auto"));
    closeAfter.add(() -> second.stop(WAIT));
    CommandRun ended = first.awaitExit(WAIT);
    assertEquals(1, ended.exitCode(), ended.out());
    assertTrue(ended.out().contains("a newer login of this account from 127.0.0.1"),
        ended.out());
    assertTrue(ended.out().contains("Not reconnecting, so that two peers of one account do "
        + "not take turns logging each other out"), ended.out());
    // No ping-pong: over ten seconds the two logins stay two.
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < until) {
      assertTrue(logins("alice") <= 2, server.output());
      Thread.sleep(500);
    }
    assertEquals(2, logins("alice"), server.output());
    assertFalse(second.isDone(), second.output());
  }

  @Test
  void aRevokedPeerSaysSoAndStops() throws Exception {
    Running alice = online("alice");
    Await.until("alice online", WAIT, () -> logins("alice") == 1);
    pki.revoke("alice");
    CommandRun ended = alice.awaitExit(WAIT);
    assertEquals(3, ended.exitCode(), ended.out());
    assertTrue(ended.out().contains("revoked"), ended.out());
    assertTrue(ended.out().contains("Not reconnecting") || ended.out().contains(
        "not reconnecting"), ended.out());
  }

  @Test
  void oneShotCommandsGoThroughTheRunningPeerWithTheSameOutput() throws Exception {
    PeerNode bob = bob();
    CommandRun direct = peer("alice", "deposit", "5");
    CommandRun directFailure = peer("alice", "pay", "carol", "5");
    int loginsBefore = logins("alice");

    Running alice = online("alice");
    Await.until("alice online", WAIT, () -> logins("alice") == loginsBefore + 1);
    CommandRun deposit = peer("alice", "deposit", "5");
    assertEquals(direct, deposit);
    CommandRun failure = peer("alice", "pay", "carol", "5");
    assertEquals(directFailure, failure);
    assertEquals(5, failure.exitCode());
    CommandRun list = peer("alice", "list");
    assertEquals(0, list.exitCode(), list.err());
    assertTrue(list.out().startsWith("balance 10010\n"), list.out());
    assertTrue(list.out().contains("(you)"), list.out());
    CommandRun pay = peer("alice", "pay", "bob", "7");
    assertEquals(new CommandRun(0, "paid bob 7 (balance 10010 -> 10003)\n", ""), pay);
    assertEquals(loginsBefore + 1, logins("alice"), "no new login:\n" + server.output());

    CommandRun twice = peer("alice", "online");
    assertEquals(1, twice.exitCode());
    assertTrue(twice.err().contains("alice is running already on this machine"), twice.err());
    assertEquals(0, alice.stop(WAIT).exitCode());
    assertEquals(10_007, bob.list().balanceUnits());
  }

  private Running online(String name) {
    Running running = Cli.start(name + "-online", withServer(name, "online", "--accept",
        "auto"));
    closeAfter.add(() -> {
      if (!running.isDone()) {
        running.stop(WAIT);
      }
    });
    return running;
  }

  private PeerNode bob() {
    TestPki.Identity identity = pki.peer("bob");
    PeerNode bob = PeerNode.start(new PeerConfig(pki.layout(), identity.certificate(),
        identity.key(), Passphrase.none(), List.of(new ServerAddress("127.0.0.1",
        server.port())), 0, Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(10), Duration.ofSeconds(5), AcceptPolicy.AUTO, 1_000_000, 3,
        Duration.ofSeconds(20)), message -> { }, (question, timeout) -> Optional.empty(),
        new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2), 0.2));
    closeAfter.add(bob);
    bob.goOnline();
    return bob;
  }

  private static boolean listed(PeerNode node, String name) {
    try {
      return node.list().find(name).isPresent();
    } catch (RuntimeException offline) {
      return false;
    }
  }

  /** Logins of {@code name} that the current server process logged. */
  private int logins(String name) {
    Matcher matcher = Pattern.compile("account=" + name + " online at ").matcher(
        server.output());
    int count = 0;
    while (matcher.find()) {
      count++;
    }
    return count;
  }

  private CommandRun peer(String name, String... command) {
    return Cli.run(withServer(name, command));
  }

  private String[] withServer(String name, String... command) {
    List<String> args = new ArrayList<>(List.of("--ssl-dir", pki.layout().directory()
        .toString(), "--name", name, "--server", "127.0.0.1:" + server.port(),
        "--reconnect-max", "2s"));
    args.addAll(List.of(command));
    return args.toArray(String[]::new);
  }
}
