package io.micropay.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.pki.TlsFactory;
import io.micropay.pki.tls.HandshakeFailure;
import io.micropay.pki.tls.TlsContexts;
import io.micropay.testing.TestPki;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSLEngine driver alone, against a real client engine over an in-memory channel: the
 * loop, the workers and the client are stepped by this thread, so every interleaving is the one
 * written here.
 */
@Timeout(60)
class TlsDriverTest {
  /** Rounds of client, driver, workers and loop before a test gives up on a state. */
  private static final int MAX_ROUNDS = 200;

  @TempDir
  static Path directory;
  private static TestPki pki;
  private static TlsFactory serverTls;
  private static TlsContexts alice;

  private final PacketBuffers buffers = new PacketBuffers();
  private final MemoryChannel channel = new MemoryChannel();
  private final ArrayDeque<Runnable> loopTasks = new ArrayDeque<>();
  private final ArrayDeque<Runnable> workerTasks = new ArrayDeque<>();
  private int tasksGiven;
  private final RecordingListener listener = new RecordingListener(serverTls);
  private final long liveBefore = serverTls.liveEngines();
  private TlsDriver driver;
  private MemoryClient client;

  @BeforeAll
  static void makePki() {
    pki = TestPki.create(directory.resolve("ssl"));
    serverTls = pki.serverTls(5_000);
    alice = MemoryClient.context(pki, "alice");
  }

  @AfterEach
  void everyEngineIsReleased() {
    if (driver != null) {
      driver.closeNow("the test is over");
    }
    assertEquals(liveBefore, serverTls.liveEngines(), "engines made and not released");
  }

  @Test
  void theHandshakeAuthenticatesTheClientAndDataFlowsBothWays() throws Exception {
    connect(serverTls.newServerEngine(), null);
    shakeHands();
    assertEquals("alice", listener.account);
    assertFalse(listener.resumed);
    client.send("hello\n");
    settle();
    assertEquals("hello\n", listener.received.toString());
    listener.send("Transfer OK!\n");
    driver.pump();
    assertEquals("Transfer OK!\n", client.received());
  }

  @Test
  void aSecondHandshakeOfTheSameClientResumesItsSession() throws Exception {
    connect(serverTls.newServerEngine(), null);
    shakeHands();
    client.send("x\n");
    settle();
    driver.closeNow("done");
    MemoryChannel second = new MemoryChannel();
    RecordingListener secondListener = new RecordingListener(serverTls);
    TlsDriver secondDriver = new TlsDriver(2, second, serverTls.newServerEngine(),
        serverTls::release, buffers, this::giveWorker, loopTasks::add, secondListener);
    MemoryClient secondClient = new MemoryClient(second, MemoryClient.engine(alice, null));
    secondDriver.start();
    for (int round = 0; round < MAX_ROUNDS && !secondListener.opened; round++) {
      secondClient.step();
      secondDriver.onReady(true);
      runTasks();
    }
    assertTrue(secondListener.opened);
    assertTrue(secondListener.resumed, "the second handshake resumed the first one's session");
    secondDriver.closeNow("done");
  }

  /** TLS 1.3 lets a client end its side with close_notify and still read the answer. */
  @Test
  void closeNotifyFromTheClientEndsInputAndWhatIsOwedStillGoesOut() throws Exception {
    connect(serverTls.newServerEngine(), null);
    shakeHands();
    client.send("transfer\n");
    client.closeOutbound();
    settle();
    assertEquals("transfer\n", listener.received.toString());
    assertEquals("the client ended the TLS session", listener.inputEnded);
    assertNull(listener.closedReason, "still open for the answer");
    listener.send("Transfer OK!\n");
    driver.closeAfterOutput("answered");
    assertEquals("Transfer OK!\n", client.received());
    assertTrue(client.serverClosed(), "close_notify followed the answer");
    assertTrue(channel.closed);
    assertEquals("answered", listener.closedReason);
    assertEquals(1, listener.closedCalls);
  }

  /**
   * TLS 1.2 (RFC 5246, 7.2.1) makes a close_notify close both ways: the engine takes no more
   * output once the client's has arrived, so what was owed cannot go out and close_notify
   * answers instead. A TLS 1.2 client that wants its answer half-closes with a bare FIN.
   */
  @Test
  void closeNotifyOfATls12ClientIsAnsweredWithCloseNotifyOnly() throws Exception {
    driver = new TlsDriver(1, channel, serverTls.newServerEngine(), serverTls::release, buffers,
        this::giveWorker, loopTasks::add, listener);
    client = new MemoryClient(channel, MemoryClient.engine(alice, "TLSv1.2"));
    driver.start();
    shakeHands();
    assertEquals("TLSv1.2", client.engine().getSession().getProtocol());
    client.send("transfer\n");
    client.closeOutbound();
    settle();
    assertEquals("transfer\n", listener.received.toString());
    assertEquals("the client ended the TLS session", listener.inputEnded);
    listener.send("Transfer OK!\n");
    driver.closeAfterOutput("answered");
    assertTrue(driver.isClosed());
    assertFalse(listener.output.isEmpty(), "a TLS 1.2 engine took output after close_notify");
    assertTrue(channel.hasBytesForClient(), "close_notify went out");
  }

  @Test
  void theEndOfTheStreamEndsInputAfterWhatCameBeforeIt() throws Exception {
    connect(serverTls.newServerEngine(), null);
    shakeHands();
    client.send("transfer\n");
    channel.endFromClient();
    settle();
    assertEquals("transfer\n", listener.received.toString());
    assertEquals("the client closed the connection", listener.inputEnded);
    assertEquals(1, listener.inputEndedCalls);
    assertFalse(channel.closed, "the server may still answer");
  }

  /** Back-pressure: while the listener takes no input nothing is read, and the end waits. */
  @Test
  void whileTheListenerTakesNoInputNothingIsReadAndTheEndWaitsForIt() throws Exception {
    connect(serverTls.newServerEngine(), null);
    shakeHands();
    listener.wantsInput = false;
    driver.pump();
    assertFalse(channel.wantsRead, "the loop no longer watches for input");
    client.send("a\n");
    channel.endFromClient();
    int readsBefore = channel.reads;
    driver.onReady(true);
    settle();
    assertEquals(readsBefore, channel.reads, "read while the listener takes no input");
    assertEquals("", listener.received.toString());
    assertNull(listener.inputEnded);
    listener.wantsInput = true;
    driver.pump();
    settle();
    assertEquals("a\n", listener.received.toString());
    assertEquals("the client closed the connection", listener.inputEnded);
  }

  /** A client that reads nothing: the records wait in the driver, the loop watches for room. */
  @Test
  void aClientThatDoesNotReadKeepsTheRecordsHereAndTheLoopWatchesForRoom() throws Exception {
    connect(serverTls.newServerEngine(), null);
    shakeHands();
    channel.limitClientWindow(0);
    String reply = "r".repeat(40_000) + "\n";
    listener.send(reply);
    driver.pump();
    assertTrue(channel.wantsWrite, "unsent records: the loop must say when there is room");
    assertTrue(driver.holdsBuffers());
    channel.limitClientWindow(1 << 20);
    String got = "";
    for (int round = 0; round < MAX_ROUNDS && got.length() < reply.length(); round++) {
      driver.onReady(false);
      got = client.received();
    }
    assertEquals(reply, got);
    assertFalse(channel.wantsWrite);
    assertFalse(driver.holdsBuffers(), "every buffer went back once all was written");
  }

  /** Buffers are borrowed only while they hold bytes: an idle connection holds none. */
  @Test
  void recordBuffersAreBorrowedWhileTheyHoldBytesAndGivenBack() throws Exception {
    connect(serverTls.newServerEngine(), null);
    shakeHands();
    settle();
    assertFalse(driver.holdsBuffers(), "an idle connection holds no record buffer");
    int freeBefore = buffers.freeBuffers();
    ByteBuffer record = ByteBuffer.allocate(1 << 16);
    SSLEngine sender = client.engine();
    sender.wrap(ByteBuffer.wrap("half a record\n".getBytes(StandardCharsets.US_ASCII)), record);
    record.flip();
    ByteBuffer firstHalf = record.slice();
    firstHalf.limit(record.remaining() / 2);
    channel.fromClient(firstHalf);
    driver.onReady(true);
    assertTrue(driver.holdsBuffers(), "half a record waits in a borrowed buffer");
    record.position(record.remaining() / 2);
    channel.fromClient(record);
    driver.onReady(true);
    assertEquals("half a record\n", listener.received.toString());
    assertFalse(driver.holdsBuffers());
    assertTrue(buffers.freeBuffers() >= freeBefore, "the buffer went back to the loop");
  }

  @Test
  void closeAfterOutputSendsTheOutputThenCloseNotifyAndReleasesTheEngineOnce() throws Exception {
    connect(serverTls.newServerEngine(), null);
    shakeHands();
    listener.send("BYE\n");
    driver.closeAfterOutput("closed by the server");
    assertEquals("BYE\n", client.received());
    assertTrue(client.serverClosed());
    assertTrue(driver.isClosed());
    assertEquals(liveBefore, serverTls.liveEngines());
    driver.closeNow("again");
    driver.closeAfterOutput("and again");
    assertEquals(1, listener.closedCalls, "closed is told once");
    assertEquals(liveBefore, serverTls.liveEngines(), "released once");
  }

  @Test
  void aFailedHandshakeSendsItsAlertIsClassifiedAndReleasesTheEngine() throws Exception {
    connect(serverTls.newServerEngine(), null);
    channel.fromClient(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: x\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII)));
    driver.onReady(true);
    assertTrue(driver.isClosed());
    assertTrue(listener.closedDuringHandshake);
    assertEquals(HandshakeFailure.Reason.NOT_TLS, listener.failure);
    assertTrue(channel.serverOutputShut, "the alert went out before the close");
    assertEquals(liveBefore, serverTls.liveEngines());
  }

  @Test
  void theEndOfTheStreamDuringTheHandshakeClosesIt() throws Exception {
    connect(serverTls.newServerEngine(), null);
    channel.endFromClient();
    driver.onReady(true);
    assertTrue(listener.closedDuringHandshake);
    assertEquals("the client closed the connection during the TLS handshake",
        listener.closedReason);
    assertEquals(HandshakeFailure.Reason.CLOSED, listener.failure);
  }

  /** A programmer error above the driver is no quiet close: it closes and goes on up. */
  @Test
  void aBrokenInvariantAboveTheDriverClosesTheConnectionAndIsThrownOn() throws Exception {
    connect(serverTls.newServerEngine(), null);
    shakeHands();
    IllegalStateException bug = new IllegalStateException("broken invariant (test)");
    listener.failOnReceive = bug;
    client.send("x\n");
    IllegalStateException thrown = assertThrows(IllegalStateException.class,
        () -> driver.onReady(true));
    assertSame(bug, thrown);
    assertTrue(driver.isClosed());
    assertTrue(listener.closedReason.startsWith("internal error"), listener.closedReason);
    assertEquals(liveBefore, serverTls.liveEngines(), "released on this path too");
  }

  /** A native engine's ways: no delegated task, several records per unwrap, no FINISHED. */
  @Test
  void anEngineThatNeverDelegatesAndDecryptsSeveralRecordsAtOnceWorks() throws Exception {
    SSLEngine jdk = serverTls.newServerEngine();
    connect(new ForeignEngine(jdk), engine -> serverTls.release(jdk));
    shakeHands();
    assertEquals(0, tasksGiven, "nothing was handed to the workers");
    assertEquals("alice", listener.account);
    client.sendByteRecords("one byte per record\n");
    client.send("and a whole one\n");
    settle();
    assertEquals("one byte per record\nand a whole one\n", listener.received.toString());
  }

  @Test
  void aPlaintextBufferTooSmallForWhatTheEngineDecryptsGrows() throws Exception {
    PacketBuffers small = new PacketBuffers(512);
    driver = new TlsDriver(1, channel, serverTls.newServerEngine(), serverTls::release, small,
        this::giveWorker, loopTasks::add, listener);
    client = new MemoryClient(channel, MemoryClient.engine(alice, null));
    driver.start();
    shakeHands();
    String big = "b".repeat(15_000) + "\n";
    client.send(big);
    settle();
    assertEquals(big, listener.received.toString());
  }

  /** Hundreds of one-byte records: more than one pump does; the rest is queued, not lost. */
  @Test
  void moreRecordsThanOnePumpStepsAreAllDelivered() throws Exception {
    connect(serverTls.newServerEngine(), null);
    shakeHands();
    String text = "z".repeat(TlsDriver.MAX_STEPS_PER_PUMP * 2) + "\n";
    client.sendByteRecords(text);
    driver.onReady(true);
    assertTrue(listener.received.length() < text.length(), "one pump did everything");
    assertFalse(loopTasks.isEmpty(), "the rest is queued on the loop");
    settle();
    assertEquals(text, listener.received.toString());
  }

  private void connect(SSLEngine serverEngine, java.util.function.Consumer<SSLEngine> release) {
    driver = new TlsDriver(1, channel, serverEngine,
        release == null ? serverTls::release : release, buffers, this::giveWorker,
        loopTasks::add, listener);
    client = new MemoryClient(channel, MemoryClient.engine(alice, null));
    driver.start();
  }

  private void shakeHands() throws Exception {
    for (int round = 0; round < MAX_ROUNDS && !(listener.opened && client.handshakeDone());
        round++) {
      client.step();
      driver.onReady(true);
      runTasks();
    }
    assertTrue(listener.opened, "the driver finished the handshake; closed: "
        + listener.closedReason);
    assertTrue(client.handshakeDone(), "the client finished the handshake");
    settle();
  }

  /** Steps client, driver, workers and loop until nothing changes (a bounded number of times). */
  private void settle() throws Exception {
    for (int round = 0; round < MAX_ROUNDS; round++) {
      client.step();
      boolean moved = false;
      boolean readable = channel.wantsRead && channel.readable();
      if (!driver.isClosed() && (readable || channel.wantsWrite && channel.writable())) {
        // What a selector would report, given what the driver asked it to watch for.
        driver.onReady(readable);
        moved = true;
      }
      moved |= runTasks();
      if (!moved && !channel.hasBytesForClient()) {
        return;
      }
    }
  }

  private void giveWorker(Runnable task) {
    tasksGiven++;
    workerTasks.add(task);
  }

  /** Runs the workers' and the loop's tasks; true when there were any. */
  private boolean runTasks() {
    boolean ran = false;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      Runnable task = workerTasks.poll();
      if (task == null) {
        task = loopTasks.poll();
      }
      if (task == null) {
        return ran;
      }
      task.run();
      ran = true;
    }
    return ran;
  }
}
