package io.micropay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.pki.testing.TestPki;
import io.micropay.server.ledger.AuditReport;
import io.micropay.server.ledger.JdbcLedger;
import io.micropay.server.ledger.JournalEntry;
import io.micropay.server.ledger.Ledgers;
import io.micropay.testing.Await;
import io.micropay.testing.ProtocolClient;
import io.micropay.testing.ServerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Payers paying through a payment server process that a test kills with SIGKILL and starts again
 * on the same data folder, the one harness of the crash tests. Each payer pays 1 unit at a time
 * with a fresh transfer id; when its connection drops it waits for the next server, logs in there
 * and re-sends its unanswered transfer with the same id, as the peer does. {@link #checkBooks()},
 * with the server down, proves that the books balance, that every transfer ever answered
 * {@code Transfer OK!} is in the journal exactly once, and that nothing is there that was never
 * sent.
 */
public final class KillAndRestart implements AutoCloseable {
  private static final int TIMEOUT_MILLIS = 10_000;
  /** How long a payer whose connection dropped with no kill waits before it tries again. */
  private static final long SERVER_WAIT_MILLIS = 1_000;
  private static final int LISTEN_PORT = 6000;

  private final TestPki pki;
  private final Path data;
  private final List<String> payees;
  private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
  private final Map<String, String> unanswered = new ConcurrentHashMap<>();
  private final AtomicLong answered = new AtomicLong();
  private final ExecutorService threads;
  private final List<Future<?>> loops = new ArrayList<>();
  /** The server of the moment, or null between a kill and a restart; guarded by this. */
  private ServerProcess server;
  /** Set when the payers are to stop; guarded by this. */
  private boolean stopping;

  private KillAndRestart(TestPki pki, Path data, List<String> payees, int payers) {
    this.pki = pki;
    this.data = data;
    this.payees = List.copyOf(payees);
    this.threads = Executors.newFixedThreadPool(payers);
  }

  /**
   * Starts a server on {@code data}, registers {@code payers} payers ({@code payer0}...) and
   * {@code payees} payees ({@code payee0}...), and sets the payers paying, payer i to payee
   * i mod payees.
   */
  public static KillAndRestart start(TestPki pki, Path data, int payers, int payees)
      throws IOException {
    List<String> payeeNames = new ArrayList<>();
    for (int i = 0; i < payees; i++) {
      payeeNames.add("payee" + i);
    }
    KillAndRestart run = new KillAndRestart(pki, data, payeeNames, payers);
    run.server = ServerProcess.start(pki.layout().directory(), data, List.of());
    List<String> names = new ArrayList<>(payeeNames);
    for (int i = 0; i < payers; i++) {
      names.add("payer" + i);
    }
    for (String name : names) {
      try (ProtocolClient client = run.connect(name)) {
        client.register(name);
      }
    }
    for (int i = 0; i < payers; i++) {
      String payer = "payer" + i;
      String payee = payeeNames.get(i % payees);
      run.loops.add(run.threads.submit(() -> run.pay(payer, payee)));
    }
    return run;
  }

  /** The server of the moment. */
  public synchronized ServerProcess server() {
    if (server == null) {
      throw new IllegalStateException("the server is down: restart() it first");
    }
    return server;
  }

  /** A client of {@code name} connected to the server of the moment. */
  public ProtocolClient connect(String name) throws IOException {
    return new ProtocolClient(pki.peerTls(name, TIMEOUT_MILLIS).connectToServer("127.0.0.1",
        server().port(), TIMEOUT_MILLIS));
  }

  /** Waits until {@code count} more transfers than now have been answered Transfer OK!. */
  public void awaitAnswered(long count, Duration timeout) {
    long target = answered.get() + count;
    Await.until(target + " transfers answered", timeout, () -> answered.get() >= target);
  }

  /** Transfer id to payer, of every transfer answered Transfer OK! so far. */
  public Map<String, String> acknowledged() {
    return Map.copyOf(acknowledged);
  }

  /** Kills the server with SIGKILL, as a crash would; the payers wait for the next one. */
  public void kill() throws InterruptedException {
    ServerProcess killed;
    synchronized (this) {
      killed = server();
      server = null;
    }
    killed.kill();
  }

  /** Starts the server again on the same data folder, on a port the system picks. */
  public void restart() {
    ServerProcess next = ServerProcess.start(pki.layout().directory(), data, List.of());
    synchronized (this) {
      server = next;
      notifyAll();
    }
  }

  /** Stops the payers and waits for them; the server keeps running. */
  public void stopPayers() throws Exception {
    synchronized (this) {
      stopping = true;
      notifyAll();
    }
    try {
      for (Future<?> loop : loops) {
        loop.get(2L * TIMEOUT_MILLIS + SERVER_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  /**
   * With the server down: the audit balances, every acknowledged transfer is journalled exactly
   * once, and every journalled transfer was sent. Returns how many were acknowledged.
   */
  public int checkBooks() {
    synchronized (this) {
      if (server != null && server.isAlive()) {
        throw new IllegalStateException("the books are read with the server down");
      }
    }
    try (JdbcLedger ledger = JdbcLedger.open(Ledgers.derbyUrl(data), 1)) {
      AuditReport report = ledger.audit();
      assertTrue(report.balanced(), report.describe());
      Map<String, Integer> journalled = new HashMap<>();
      for (String payee : payees) {
        for (JournalEntry entry : ledger.journal(payee, Integer.MAX_VALUE)) {
          if (entry.kind() == JournalEntry.Kind.TRANSFER) {
            journalled.merge(entry.transferId(), 1, Integer::sum);
          }
        }
      }
      journalled.forEach((id, times) -> assertEquals(1, times, "transfer " + id + " settled"));
      Set<String> missing = new HashSet<>(acknowledged.keySet());
      missing.removeAll(journalled.keySet());
      assertTrue(missing.isEmpty(), "acknowledged but not in the ledger: " + missing);
      Set<String> unexplained = new HashSet<>(journalled.keySet());
      unexplained.removeAll(acknowledged.keySet());
      unexplained.removeAll(unanswered.keySet());
      assertTrue(unexplained.isEmpty(), "in the ledger but never sent: " + unexplained);
      return acknowledged.size();
    }
  }

  /** Stops the payers and kills a server still running. */
  @Override
  public void close() throws Exception {
    try {
      stopPayers();
    } finally {
      ServerProcess last;
      synchronized (this) {
        last = server;
      }
      if (last != null) {
        last.close();
      }
    }
  }

  /**
   * One payer: pays 1 at a time with a fresh id; when the connection drops it waits for the next
   * server, logs in and re-sends the unanswered transfer with the same id.
   */
  private void pay(String payer, String payee) {
    long sequence = 0;
    String pending = null;
    for (ServerProcess current = nextServer(null); current != null;
        current = nextServer(current)) {
      try (ProtocolClient session = new ProtocolClient(pki.peerTls(payer, TIMEOUT_MILLIS)
          .connectToServer("127.0.0.1", current.port(), TIMEOUT_MILLIS))) {
        session.login(payer, LISTEN_PORT);
        while (!isStopping()) {
          if (pending == null) {
            pending = payer + "-" + sequence++ + "-transfer";
            unanswered.put(pending, payer);
          }
          // Killed under us, the request throws: the transfer in flight stays pending.
          String reply = session.request(payer + "#1#" + payee + "#" + pending);
          assertEquals("Transfer OK!", reply, pending);
          acknowledged.put(pending, payer);
          unanswered.remove(pending);
          answered.incrementAndGet();
          pending = null;
        }
      } catch (IOException serverDown) {
        // The pending transfer is re-sent to the next server with the same id.
      }
    }
  }

  /**
   * The server to pay through after {@code failed} (null at the start), or null when the payers
   * are to stop: a restarted one as soon as restart() names it; the same one again when the
   * connection dropped with no kill, after a pause so that a server refusing everyone is not
   * hammered.
   */
  private synchronized ServerProcess nextServer(ServerProcess failed) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SERVER_WAIT_MILLIS);
    while (!stopping) {
      boolean noKillCame = server == failed && System.nanoTime() - deadline >= 0;
      if (server != null && (server != failed || noKillCame)) {
        return server;
      }
      try {
        // Woken by restart() and stopPayers().
        wait(SERVER_WAIT_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  private synchronized boolean isStopping() {
    return stopping;
  }
}
