package io.micropay.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.peer.AcceptPolicy;
import io.micropay.peer.Backoff;
import io.micropay.peer.PeerConfig;
import io.micropay.peer.PeerFailure;
import io.micropay.peer.PeerNode;
import io.micropay.peer.ServerAddress;
import io.micropay.pki.Passphrase;
import io.micropay.pki.testing.TestPki;
import io.micropay.protocol.OnlineEntry;
import io.micropay.server.TestServer;
import io.micropay.server.ledger.JdbcLedger;
import io.micropay.testing.Await;
import io.micropay.testing.PostgresServer;
import io.micropay.testing.ProtocolClient;
import io.micropay.testing.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real server processes on one real PostgreSQL, acting as one service: one online list, a
 * newer login on either server ends the older session on the other, a killed server's entries
 * leave the list by its lease, and a peer whose server dies goes on with the other, its report
 * in flight settled once.
 */
@Timeout(180)
class ClusterTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  /** The bound for the entries of a server that died without a word. */
  private static final Duration LEASE_BOUND = Duration.ofSeconds(15);
  private static PostgresServer postgres;
  private static int databases;

  @TempDir
  Path directory;

  private TestPki pki;
  private String databaseUrl;
  private final List<ServerProcess> servers = new ArrayList<>();
  private final List<AutoCloseable> closeAfter = new ArrayList<>();

  @BeforeAll
  static void startPostgres() {
    postgres = PostgresServer.start();
  }

  @AfterAll
  static void stopPostgres() {
    postgres.close();
  }

  @BeforeEach
  void start() {
    pki = TestPki.create(directory.resolve("ssl"));
    databaseUrl = postgres.createDatabase("cluster" + ++databases);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : closeAfter) {
      closeable.close();
    }
    for (ServerProcess server : servers) {
      server.close();
    }
  }

  @Test
  void aLoginOnOneServerIsListedOnTheOtherAndANewerLoginThereEndsIt() throws Exception {
    ServerProcess a = server("a");
    ServerProcess b = server("b");
    PeerNode alice = peer("alice", a);
    alice.register();
    alice.goOnline();
    PeerNode bob = peer("bob", b);
    bob.register();
    OnlineEntry seen = bob.goOnline().find("alice").orElseThrow();
    assertEquals(new OnlineEntry("alice", "127.0.0.1", alice.listenPort()), seen);
    assertTrue(alice.list().find("bob").isPresent(), "bob is listed on server A too");

    PeerNode newerAlice = peer("alice", b);
    newerAlice.goOnline();
    PeerFailure why = alice.stopped().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertTrue(why.getMessage().contains("a newer login of this account from 127.0.0.1"),
        why.getMessage());
    Await.until("one alice, on B's listener port", WAIT, () -> bob.list().find("alice")
        .map(entry -> entry.port() == newerAlice.listenPort()).orElse(false));
    assertEquals(9_990, bob.pay("alice", 10).balanceAfterUnits());
  }

  @Test
  void theEntriesOfAKilledServerLeaveTheOtherServersListByItsLease() throws Exception {
    ServerProcess a = server("a");
    ServerProcess b = server("b");
    PeerNode alice = peer("alice", a);
    alice.register();
    alice.goOnline();
    PeerNode bob = peer("bob", b);
    bob.register();
    assertTrue(bob.goOnline().find("alice").isPresent());
    a.kill();
    long killedNanos = System.nanoTime();
    Await.until("alice off B's list", LEASE_BOUND, () -> bob.list().find("alice").isEmpty());
    long goneMillis = (System.nanoTime() - killedNanos) / 1_000_000;
    assertTrue(goneMillis <= LEASE_BOUND.toMillis(), "gone after " + goneMillis + " ms");
  }

  @Test
  void aPeerWhoseServerDiesGoesOnWithTheOtherAndItsReportInFlightSettlesOnce()
      throws Exception {
    ServerProcess a = server("a");
    ServerProcess b = server("b");
    try (DroppingProxy toA = new DroppingProxy(a.port())) {
      PeerNode alice = peer("alice", AcceptPolicy.PROMPT, (question, timeout) -> {
        // bob's report goes to A next and is acted on there, but bob never hears back.
        toA.arm();
        return Optional.of(true);
      }, b);
      alice.register();
      alice.goOnline();
      PeerNode bob = peer("bob", AcceptPolicy.NEVER, (question, timeout) -> Optional.empty(),
          new ServerAddress("127.0.0.1", toA.port()), new ServerAddress("127.0.0.1", b.port()));
      bob.register();
      bob.goOnline();
      CompletableFuture<Long> paid = CompletableFuture.supplyAsync(
          () -> bob.pay("alice", 25).balanceAfterUnits());
      Await.until("bob's link cut after A got the report", WAIT, () -> bob.isReconnecting()
          || paid.isDone());
      a.kill();
      assertEquals(9_975, paid.get(WAIT.toSeconds(), TimeUnit.SECONDS));
      assertTrue(bob.status().contains("127.0.0.1:" + b.port()), bob.status());
      assertEquals(10_025, alice.list().balanceUnits());
      assertEquals(9_975, bob.list().balanceUnits());
    }
  }

  @Test
  void killingOneOfTwoServersUnderLoadLosesNoAcknowledgedTransferAndTheBooksBalance()
      throws Exception {
    ServerProcess a = server("a");
    ServerProcess b = server("b");
    ServerAddress onA = new ServerAddress("127.0.0.1", a.port());
    ServerAddress onB = new ServerAddress("127.0.0.1", b.port());
    PeerNode alice = peer("alice", AcceptPolicy.AUTO, (question, timeout) -> Optional.empty(),
        onB, onA);
    alice.register();
    alice.goOnline();
    int payers = 4;
    int paymentsEach = 60;
    List<CompletableFuture<long[]>> runs = new ArrayList<>();
    java.util.concurrent.atomic.AtomicInteger acknowledged =
        new java.util.concurrent.atomic.AtomicInteger();
    for (int i = 0; i < payers; i++) {
      PeerNode payer = peer("payer" + i, AcceptPolicy.NEVER,
          (question, timeout) -> Optional.empty(), onA, onB);
      payer.register();
      payer.goOnline();
      runs.add(CompletableFuture.supplyAsync(() -> {
        long paid = 0;
        long unknown = 0;
        for (int n = 0; n < paymentsEach; n++) {
          try {
            payer.pay("alice", 1);
            paid++;
            acknowledged.incrementAndGet();
          } catch (PeerFailure e) {
            unknown++; // not acknowledged: it may or may not have settled
            // Offline while it moves to the survivor: a new payment waits until it is back.
            Await.until(payer.name() + " back online", WAIT, () -> !payer.isReconnecting());
          }
        }
        return new long[] {paid, unknown, 10_000 - balanceOnceOnline(payer)};
      }));
    }
    Await.until("some payments acknowledged", WAIT, () -> acknowledged.get() >= payers * 5);
    a.kill();
    long paidInAll = 0;
    long spentInAll = 0;
    for (CompletableFuture<long[]> run : runs) {
      long[] result = run.get(120, TimeUnit.SECONDS);
      long paid = result[0];
      long unknown = result[1];
      long spent = result[2];
      assertTrue(spent >= paid && spent <= paid + unknown, "a payer acknowledged " + paid
          + " (and " + unknown + " unknown) but spent " + spent);
      paidInAll += paid;
      spentInAll += spent;
    }
    assertTrue(paidInAll >= payers * paymentsEach * 0.9, "most payments went through the "
        + "survivor: " + paidInAll);
    assertEquals(10_000 + spentInAll, balanceOnceOnline(alice));
    try (JdbcLedger books = JdbcLedger.open(databaseUrl, 2)) {
      assertTrue(books.audit().balanced(), books.audit().describe());
    }
  }

  @Test
  void nothingTheOlderSessionQueuedSettlesOnceANewerLoginOnTheOtherServerIsAnswered()
      throws Exception {
    ServerProcess a = server("a");
    ServerProcess b = server("b");
    try (ProtocolClient older = client("alice", a);
        ProtocolClient bob = client("bob", a)) {
      bob.expect("REGISTER#bob", "100 OK");
      older.expect("REGISTER#alice", "100 OK");
      older.send("alice#6000");
      older.onlineList();
      StringBuilder pipelined = new StringBuilder();
      for (int i = 0; i < 300; i++) {
        pipelined.append(String.format("alice#1#bob#pipelined-%04d\r\n", i));
      }
      older.sendRaw(pipelined.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      try (ProtocolClient newer = client("alice", b)) {
        newer.send("alice#6100");
        long balanceWhenAnswered = newer.onlineList().balanceUnits();
        int acknowledged = 0;
        for (String line = older.readLineOrNull(); line != null;
            line = older.readLineOrNull()) {
          acknowledged += line.equals("Transfer OK!") ? 1 : 0;
        }
        long balanceAfterTheOlderEnded = newer.list().balanceUnits();
        assertEquals(balanceWhenAnswered, balanceAfterTheOlderEnded,
            "the older session settled transfers after the newer login was answered");
        assertTrue(acknowledged <= 10_000 - balanceAfterTheOlderEnded,
            acknowledged + " acknowledged, " + (10_000 - balanceAfterTheOlderEnded) + " settled");
      }
    }
  }

  /** The balance, asked once the node is online again (it may be moving to the survivor). */
  private static long balanceOnceOnline(PeerNode node) {
    long[] balance = new long[1];
    Await.until(node.name() + "'s balance", WAIT, () -> {
      try {
        balance[0] = node.list().balanceUnits();
        return true;
      } catch (PeerFailure offline) {
        return false;
      }
    });
    return balance[0];
  }

  private ProtocolClient client(String name, ServerProcess server) throws Exception {
    return new ProtocolClient(pki.peerTls(name, 5_000, TestServer.MICROPAY_ALPN)
        .connectToServer("127.0.0.1", server.port(), 5_000));
  }

  private ServerProcess server(String name) {
    ServerProcess server = ServerProcess.start(pki.layout().directory(),
        directory.resolve("data-" + name), List.of("--db-url", databaseUrl));
    servers.add(server);
    return server;
  }

  private PeerNode peer(String name, ServerProcess server) {
    return peer(name, AcceptPolicy.AUTO, (question, timeout) -> Optional.empty(),
        new ServerAddress("127.0.0.1", server.port()));
  }

  private PeerNode peer(String name, AcceptPolicy policy, io.micropay.peer.Prompter prompter,
      ServerProcess server) {
    return peer(name, policy, prompter, new ServerAddress("127.0.0.1", server.port()));
  }

  private PeerNode peer(String name, AcceptPolicy policy, io.micropay.peer.Prompter prompter,
      ServerAddress... servers) {
    TestPki.Identity identity = pki.peer(name);
    PeerNode node = PeerNode.start(new PeerConfig(pki.layout(), identity.certificate(),
        identity.key(), Passphrase.none(), List.of(servers), 0, Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(5), policy,
        1_000_000, 3, Duration.ofSeconds(20)), message -> { }, prompter,
        new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), 0.2));
    closeAfter.add(node);
    return node;
  }
}
