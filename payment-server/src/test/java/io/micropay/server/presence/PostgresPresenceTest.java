package io.micropay.server.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.protocol.OnlineEntry;
import io.micropay.server.ledger.LedgerDatabase;
import io.micropay.testing.PostgresServer;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two servers' presence stores on one real PostgreSQL. */
@Timeout(60)
class PostgresPresenceTest {
  private static PostgresServer postgres;
  private static int databases;
  private String url;
  private LedgerDatabase database;
  private final List<PostgresPresence> stores = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startPostgres() {
    postgres = PostgresServer.start();
  }

  @AfterAll
  static void stopPostgres() {
    postgres.close();
  }

  @BeforeEach
  void freshDatabase() {
    url = postgres.createDatabase("presence" + ++databases);
    database = LedgerDatabase.open(url, null, 4);
  }

  @AfterEach
  void closeStores() {
    stores.forEach(PostgresPresence::close);
    database.close();
  }

  @Test
  void aLoginOnOneServerIsListedOnTheOtherWithTheAddressTheFirstSaw() {
    Recorder onA = new Recorder();
    Recorder onB = new Recorder();
    PostgresPresence a = store("a", onA, Duration.ofSeconds(10));
    PostgresPresence b = store("b", onB, Duration.ofSeconds(10));
    a.claim("alice", "10.0.0.1", 9001, 1);
    b.claim("bob", "10.0.0.2", 9002, 7);
    List<OnlineEntry> expected = List.of(new OnlineEntry("alice", "10.0.0.1", 9001),
        new OnlineEntry("bob", "10.0.0.2", 9002));
    assertEquals(expected, b.list().entries());
    assertEquals(expected, a.list().entries());
  }

  @Test
  void aSecondLoginElsewhereEndsTheFirstSessionAndOnlyThatOne() throws Exception {
    Recorder onA = new Recorder();
    PostgresPresence a = store("a", onA, Duration.ofSeconds(10));
    PostgresPresence b = store("b", new Recorder(), Duration.ofSeconds(10));
    a.claim("alice", "10.0.0.1", 9001, 41);
    a.claim("carol", "10.0.0.3", 9003, 42);
    long before = System.nanoTime();
    b.claim("alice", "10.0.0.2", 9100, 5);
    String replaced = onA.replacements.poll(5, TimeUnit.SECONDS);
    long elapsedMillis = (System.nanoTime() - before) / 1_000_000;
    assertEquals("alice 41 10.0.0.2 9100", replaced);
    assertTrue(elapsedMillis < 1_000, "the replacement took " + elapsedMillis + " ms");
    assertEquals(List.of(new OnlineEntry("alice", "10.0.0.2", 9100),
        new OnlineEntry("carol", "10.0.0.3", 9003)), a.list().entries());
    // A's older session leaving afterwards does not take B's login offline.
    a.release("alice", 41);
    a.claim("dave", "10.0.0.4", 9004, 43); // claims run after the queued release
    assertEquals(3, b.list().entries().size());
  }

  @Test
  void aServerThatLeavesTakesItsEntriesAndAHeartbeatFindsAMissedReplacement()
      throws Exception {
    Recorder onA = new Recorder();
    PostgresPresence a = store("a", onA, Duration.ofMillis(1_500));
    PostgresPresence b = store("b", new Recorder(), Duration.ofMillis(1_500));
    onA.local.add(new PresenceStore.LocalSession("alice", 3, "10.0.0.1", 9001));
    a.claim("alice", "10.0.0.1", 9001, 3);
    // Someone else's row for alice, written without a notification (as if A's listener had
    // been away): A's next heartbeat must still end its session.
    try (var connection = DriverManager.getConnection(url);
        var statement = connection.prepareStatement(
            "UPDATE micropay_presence SET server_id = ?, session_id = 9, port = 9200 "
                + "WHERE account = 'alice'")) {
      statement.setString(1, b.serverId());
      assertEquals(1, statement.executeUpdate());
    }
    assertEquals("alice 3 10.0.0.1 9200", onA.replacements.poll(10, TimeUnit.SECONDS));
    b.close();
    stores.remove(b);
    assertEquals(List.of(), a.list().entries());
  }

  private PostgresPresence store(String name, Recorder recorder, Duration lease) {
    PostgresPresence store = new PostgresPresence(database,
        name + "-" + System.nanoTime(), "127.0.0.1:" + name, lease, lease.dividedBy(3));
    store.start(recorder);
    stores.add(store);
    return store;
  }

  /** What a server would do with the store's calls: remember them. */
  private static final class Recorder implements PresenceStore.Listener {
    final BlockingQueue<String> replacements = new LinkedBlockingQueue<>();
    final List<PresenceStore.LocalSession> local = new CopyOnWriteArrayList<>();

    @Override
    public void replacedElsewhere(String account, long sessionId, String ip, int port) {
      replacements.add(account + " " + sessionId + " " + ip + " " + port);
    }

    @Override
    public void changed() {
    }

    @Override
    public List<PresenceStore.LocalSession> localSessions() {
      return local;
    }
  }
}
