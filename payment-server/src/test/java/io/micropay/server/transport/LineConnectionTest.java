package io.micropay.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.pki.TlsFactory;
import io.micropay.pki.testing.TestPki;
import io.micropay.pki.tls.TlsEngine;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The line connection over a real TLS driver and client engine in memory, on an I/O loop whose
 * thread never starts: the loop's tasks, the workers and the client are stepped by this thread.
 */
@Timeout(60)
@ParameterizedClass(name = "{0} engine")
@EnumSource(TlsEngine.class)
class LineConnectionTest {
  private static final int MAX_ROUNDS = 100_000;

  @TempDir
  static Path directory;
  private static TestPki pki;

  @Parameter
  TlsEngine engine;
  private TlsFactory serverTls;

  private final ArrayDeque<Runnable> workerTasks = new ArrayDeque<>();
  private boolean refusing;
  private final TransportCounters counters = new TransportCounters(64, TransportEvents.NONE);
  private final List<Side> sides = new ArrayList<>();
  private long liveBefore;
  private IoLoop loop;
  /** How the handler answers a line: null for no answer. */
  private Function<String, String> answer = line -> "echo " + line;
  /** While set, each line's handling completes only with this stage (a transfer's commit). */
  private CompletableFuture<Void> holdLines;
  /** Tasks the loop queues at most. */
  private int loopBound = 100_000;

  @BeforeAll
  static void makePki() {
    pki = TestPki.create(directory.resolve("ssl"));
  }

  @BeforeEach
  void makeServerTls() {
    serverTls = pki.usingEngine(engine).serverTls(5_000);
    liveBefore = serverTls.serverEngines().live();
  }

  @AfterEach
  void everyEngineIsReleased() throws Exception {
    if (loop == null) {
      return;
    }
    for (Side side : sides) {
      side.connection.closeNow("the test is over");
    }
    runTasks();
    assertEquals(liveBefore, serverTls.serverEngines().live(), "engines made and not released");
    loop.shutdown(0);
  }

  @Test
  void linesReachTheHandlerInOrderAndTheRepliesGoBack() throws Exception {
    Side alice = open("alice", 8);
    alice.client.send("a\nb\r\nc\n");
    settle();
    assertEquals(List.of("a", "b", "c"), alice.lines);
    assertEquals("echo a\necho b\necho c\n", alice.client.received());
  }

  /** The defect of issue 16: the limit was checked once per record, so 16,000 lines queued. */
  @Test
  void oneRecordOfBareLineFeedsNeverQueuesMoreThanTheLineLimit() throws Exception {
    answer = line -> null;
    Side alice = open("alice", 8);
    alice.client.send("\n".repeat(16_000));
    settle();
    assertEquals(16_000, alice.lines.size(), "every line is handled, none lost");
    assertTrue(alice.mostQueued <= 64 + 1, "queued at once: " + alice.mostQueued
        + " (64 lines and the wake-up behind them)");
  }

  /** Back-pressure on the replies: a client that does not read them is not read either. */
  @Test
  void aClientThatDoesNotReadItsRepliesIsNotReadEither() throws Exception {
    answer = line -> "r".repeat(2_000);
    Side alice = open("alice", 8);
    alice.channel.limitClientWindow(0);
    alice.client.send("x\n".repeat(1_000));
    settle();
    assertTrue(alice.lines.size() < 1_000, "all was read though no reply was");
    assertFalse(alice.channel.wantsRead, "the loop still watches for input");
    assertTrue(counters.queuedOutputBytes() < 64 * 1024 + 65 * 2_002,
        "replies held: " + counters.queuedOutputBytes());
    alice.channel.limitClientWindow(1 << 20);
    for (int round = 0; round < 1_000 && alice.lines.size() < 1_000; round++) {
      alice.client.received();
      settle();
    }
    assertEquals(1_000, alice.lines.size(), "reading resumed once the client read");
  }

  /** The defect of issue 16: a transfer sent before a half-close was settled, never answered. */
  @Test
  void aHalfCloseWithABareFinGetsWhatIsOwedThenCloseNotify() throws Exception {
    halfCloseGetsItsAnswer(false);
  }

  /**
   * TLS 1.3 allows the half-close with close_notify, and the JDK's engine keeps sending after
   * it. BoringSSL's closes both ways on close_notify, as TLS 1.2 does (see TlsDriverTest): there
   * the transfer is handled and its answer cannot go out.
   */
  @Test
  void aHalfCloseWithCloseNotifyGetsWhatIsOwedThenCloseNotify() throws Exception {
    Assumptions.assumeTrue(engine == TlsEngine.JDK, "BoringSSL closes both ways on close_notify");
    halfCloseGetsItsAnswer(true);
  }

  private void halfCloseGetsItsAnswer(boolean closeNotify) throws Exception {
    answer = line -> null;
    Side alice = open("alice", 8);
    holdLines = new CompletableFuture<>();
    CompletableFuture<Void> commit = holdLines;
    alice.client.send("alice#300#bob\n");
    if (closeNotify) {
      alice.client.closeOutbound();
    } else {
      alice.channel.endFromClient();
    }
    settle();
    assertEquals(List.of("alice#300#bob"), alice.lines);
    assertNull(alice.closedReason, "closed before the transfer was answered");
    alice.connection.send("Transfer OK!\n".getBytes(StandardCharsets.US_ASCII));
    commit.complete(null);
    settle();
    assertEquals("Transfer OK!\n", alice.client.received());
    assertTrue(alice.client.serverClosed(), "close_notify after the answer");
    assertEquals(closeNotify ? "the client ended the TLS session"
        : "the client closed the connection", alice.closedReason);
    assertEquals(1, alice.closedCalls);
  }

  /** A half-close while the rest of a record waits for room: every line is still answered. */
  @Test
  void aHalfCloseAfterMoreLinesThanTheQueueTakesAnswersThemAll() throws Exception {
    Side alice = open("alice", 8);
    alice.client.send("q\n".repeat(500));
    alice.channel.endFromClient();
    settle();
    assertEquals(500, alice.lines.size());
    assertEquals("echo q\n".repeat(500), alice.client.received());
    assertTrue(alice.client.serverClosed());
    assertEquals(1, alice.closedCalls);
  }

  @Test
  void theConnectionsOfOneCertificateAreBoundedAndOthersAreServed() throws Exception {
    Side first = open("alice", 2);
    Side second = open("alice", 2);
    Side third = open("alice", 2);
    settle();
    assertTrue(third.client.serverClosed(), "the third was closed after its handshake");
    assertTrue(third.connection.isClosed());
    assertEquals(0, third.accepted, "the session layer never saw it");
    assertEquals(1, counters.refusals("max_connections_per_certificate"));
    Side bob = open("bob", 2);
    bob.client.send("hello\n");
    settle();
    assertEquals("echo hello\n", bob.client.received(), "others are served");
    first.connection.closeNow("gone");
    Side again = open("alice", 2);
    again.client.send("back\n");
    settle();
    assertEquals("echo back\n", again.client.received(), "a place freed is free again");
    assertFalse(second.connection.isClosed());
  }

  @Test
  void sendAndCloseSendsThenClosesAndTheSessionHearsItOnce() throws Exception {
    Side alice = open("alice", 8);
    alice.connection.sendAndClose("240 BUSY\n".getBytes(StandardCharsets.US_ASCII));
    alice.connection.send("too late\n".getBytes(StandardCharsets.US_ASCII));
    settle();
    assertEquals("240 BUSY\n", alice.client.received());
    assertTrue(alice.client.serverClosed());
    assertEquals(1, alice.closedCalls);
    assertEquals(0, counters.queuedOutputBytes(), "the room of the reply never sent is back");
  }

  /** The defect of issue 16: a refusing pool cleared the queue and onClosed never came. */
  @Test
  void aPoolThatRefusesWorkClosesTheConnectionAndOnClosedComesOnce() throws Exception {
    Side alice = open("alice", 8);
    refusing = true;
    alice.client.send("more\n");
    settle();
    assertTrue(alice.connection.isClosed());
    refusing = false;
    runTasks();
    assertEquals(SerialExecutor.OVERLOADED, alice.closedReason);
    assertEquals(1, alice.closedCalls);
    assertEquals(0, counters.connectionsOf("alice"), "the certificate's place was given back");
  }

  /** The defect of issue 16: the loop's queue had no bound. Past it, a close still gets in. */
  @Test
  void aReplyThatFindsTheLoopsQueueFullClosesTheConnectionAllTheSame() throws Exception {
    loopBound = 4;
    Side alice = open("alice", 8);
    for (int task = 0; task < loopBound; task++) {
      loop.execute(() -> { });
    }
    alice.connection.send("a reply\n".getBytes(StandardCharsets.US_ASCII));
    assertEquals(0, counters.queuedOutputBytes(), "the refused reply's room was given back");
    runTasks();
    assertTrue(alice.connection.isClosed());
    assertEquals(LineConnection.LOOP_OVERLOADED, alice.closedReason);
    assertEquals(1, alice.closedCalls);
  }

  /**
   * Past the handshake limit the connection accepted first is the one dropped, whichever I/O
   * loop started its handshake first: ids are given in the order of accepting, and two loops
   * may start their handshakes in any order (a loop behind in its queue once let the first
   * socket of a flood outlive 200 newer ones).
   */
  @Test
  void pastTheHandshakeLimitTheFirstAcceptedGoesEvenIfItsHandshakeStartedLast() throws Exception {
    TransportCounters oneHandshake = new TransportCounters(1, TransportEvents.NONE);
    loop = new IoLoop("test-loop", oneHandshake, loopBound);
    LineConnection acceptedFirst = bare(1, oneHandshake);
    LineConnection acceptedSecond = bare(2, oneHandshake);
    loop.track(acceptedSecond);
    loop.track(acceptedFirst);
    runTasks();
    assertTrue(acceptedFirst.isClosed(), "the first accepted was dropped");
    assertFalse(acceptedSecond.isClosed(), "the newer one goes on with its handshake");
    acceptedSecond.closeNow("the test is over");
    runTasks();
  }

  /** A connection with connection id {@code id} on an in-memory channel, its handshake not run. */
  private LineConnection bare(long id, TransportCounters of) {
    return new LineConnection(id, loop, new MemoryChannel(), serverTls.serverEngines(),
        this::giveWorker, connection -> null, TransportHarness.limits(), of);
  }

  /** One connection's client, channel and what its session was told. */
  private final class Side implements InboundHandler {
    final MemoryChannel channel = new MemoryChannel();
    final MemoryClient client;
    final LineConnection connection;
    final List<String> lines = new ArrayList<>();
    int accepted;
    int mostQueued;
    String closedReason;
    int closedCalls;

    Side(String name, int maxPerCertificate) {
      client = MemoryClient.of(pki.usingEngine(engine), name, channel);
      connection = new LineConnection(sides.size() + 1, loop, channel, serverTls.serverEngines(),
          LineConnectionTest.this::giveWorker, connection -> {
            accepted++;
            return this;
          }, TransportHarness.limits(maxPerCertificate), counters);
    }

    @Override
    public CompletionStage<?> onLine(String line) {
      lines.add(line);
      mostQueued = Math.max(mostQueued, connection.queuedLines());
      String reply = answer.apply(line);
      if (reply != null) {
        connection.send((reply + "\n").getBytes(StandardCharsets.US_ASCII));
      }
      return holdLines;
    }

    @Override
    public void onLineTooLong() {
      connection.sendAndClose("too long\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void onIdle(long idleTimeoutMillis) {
      connection.close("idle");
    }

    @Override
    public void onClosed(String reason) {
      closedReason = reason;
      closedCalls++;
    }
  }

  private Side open(String name, int maxPerCertificate) throws Exception {
    if (loop == null) {
      loop = new IoLoop("test-loop", counters, loopBound);
    }
    Side side = new Side(name, maxPerCertificate);
    sides.add(side);
    loop.track(side.connection);
    side.connection.start();
    settle();
    assertFalse(side.connection.isHandshaking(), "the handshake did not finish");
    return side;
  }

  /** Steps every client, connection, worker and the loop until nothing moves (bounded). */
  private void settle() throws Exception {
    for (int round = 0; round < MAX_ROUNDS; round++) {
      boolean moved = false;
      for (Side side : sides) {
        side.client.step();
        MemoryChannel channel = side.channel;
        boolean readable = channel.wantsRead && channel.readable();
        boolean writable = channel.wantsWrite && channel.writable();
        if (!side.connection.isClosed() && (readable || writable)) {
          side.connection.onReady((readable ? SelectionKey.OP_READ : 0)
              | (writable ? SelectionKey.OP_WRITE : 0));
          moved = true;
        }
      }
      moved |= runTasks();
      if (!moved) {
        return;
      }
    }
    throw new AssertionError("still moving after " + MAX_ROUNDS + " rounds");
  }

  private void giveWorker(Runnable task) {
    if (refusing) {
      throw new RejectedExecutionException("refusing (test)");
    }
    workerTasks.add(task);
  }

  /** Runs the workers' and the loop's tasks until there are none; true when there were any. */
  private boolean runTasks() {
    boolean ran = false;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      Runnable task = workerTasks.poll();
      if (task != null) {
        task.run();
        ran = true;
      } else if (loop.queuedTasks() > 0 || loop.hasCloseRequests()) {
        loop.runQueuedTasks();
        ran = true;
      } else {
        return ran;
      }
    }
    return ran;
  }
}
