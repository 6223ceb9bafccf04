package io.micropay.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.pki.TlsFactory;
import io.micropay.pki.tls.ApplicationProtocols;
import io.micropay.pki.tls.ClientHelloAlpn;
import io.micropay.pki.tls.HandshakeFailure;
import io.micropay.pki.tls.TlsContexts;
import io.micropay.pki.tls.TlsEngine;
import io.micropay.pki.testing.TestPki;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
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
 * The SSLEngine driver alone, against a real client engine over an in-memory channel: the
 * loop, the workers and the client are stepped by this thread, so every interleaving is the one
 * written here.
 */
@Timeout(60)
@ParameterizedClass(name = "{0} engine")
@EnumSource(TlsEngine.class)
class TlsDriverTest {
  /** Rounds of client, driver, workers and loop before a test gives up on a state. */
  private static final int MAX_ROUNDS = 200;

  @TempDir
  static Path directory;
  private static TestPki pki;

  @Parameter
  TlsEngine engine;
  private TlsFactory serverTls;
  private TlsContexts alice;

  /** The ports the in-memory clients pretend to connect from. */
  private static final java.util.concurrent.atomic.AtomicInteger clientPorts =
      new java.util.concurrent.atomic.AtomicInteger(40_000);
  private final PacketBuffers buffers = new PacketBuffers();
  private final MemoryChannel channel = new MemoryChannel();
  private final ArrayDeque<Runnable> loopTasks = new ArrayDeque<>();
  private final ArrayDeque<Runnable> workerTasks = new ArrayDeque<>();
  private int tasksGiven;
  private RecordingListener listener;
  private long liveBefore;
  private TlsDriver driver;
  private MemoryClient client;

  @BeforeAll
  static void makePki() {
    pki = TestPki.create(directory.resolve("ssl"));
  }

  @BeforeEach
  void makeBothEnds() {
    TestPki onEngine = pki.usingEngine(engine);
    serverTls = onEngine.serverTls(5_000);
    alice = MemoryClient.context(onEngine, "alice");
    listener = new RecordingListener(serverTls);
    liveBefore = serverTls.serverEngines().live();
  }

  @AfterEach
  void everyEngineIsReleased() {
    if (driver != null) {
      driver.closeNow("the test is over");
    }
    assertEquals(liveBefore, serverTls.serverEngines().live(), "engines made and not released");
  }

  @Test
  void theHandshakeAuthenticatesTheClientAndDataFlowsBothWays() throws Exception {
    connect(newServerEngine(), null);
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

  /**
   * A client that read a reply resumes its session in its next handshake. The reply matters:
   * BoringSSL sends its session ticket with the server's first record after the handshake, the
   * JDK's right after it.
   */
  @Test
  void aSecondHandshakeOfTheSameClientResumesItsSession() throws Exception {
    connect(newServerEngine(), null);
    shakeHands();
    client.send("x\n");
    settle();
    listener.send("y\n");
    driver.pump();
    assertEquals("y\n", client.received());
    driver.closeNow("done");
    MemoryChannel second = new MemoryChannel();
    RecordingListener secondListener = new RecordingListener(serverTls);
    TlsDriver secondDriver = new TlsDriver(2, second, newServerEngine(),
        serverTls.serverEngines()::release, buffers, this::giveWorker, loopTasks::add,
        secondListener,
        ClientHelloGate.Screen.NONE);
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

  /**
   * TLS 1.3 lets a client end its side with close_notify and still read the answer; the JDK's
   * engine does. BoringSSL's closes both ways on it, as TLS 1.2 does (the test after this).
   */
  @Test
  void closeNotifyFromTheClientEndsInputAndWhatIsOwedStillGoesOut() throws Exception {
    Assumptions.assumeTrue(engine == TlsEngine.JDK, "BoringSSL closes both ways on close_notify");
    connect(newServerEngine(), null);
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
    closeNotifyIsAnsweredWithCloseNotifyOnly("TLSv1.2");
  }

  /** BoringSSL closes both ways on a close_notify in TLS 1.3 too. */
  @Test
  void closeNotifyOnBoringSslIsAnsweredWithCloseNotifyOnly() throws Exception {
    Assumptions.assumeTrue(engine == TlsEngine.BORINGSSL, "the JDK's engine half-closes");
    closeNotifyIsAnsweredWithCloseNotifyOnly("TLSv1.3");
  }

  private void closeNotifyIsAnsweredWithCloseNotifyOnly(String protocol) throws Exception {
    driver = new TlsDriver(1, channel, newServerEngine(), serverTls.serverEngines()::release,
        buffers,
        this::giveWorker, loopTasks::add, listener, ClientHelloGate.Screen.NONE);
    client = new MemoryClient(channel, MemoryClient.engine(alice, protocol));
    driver.start();
    shakeHands();
    assertEquals(protocol, client.engine().getSession().getProtocol());
    client.send("transfer\n");
    client.closeOutbound();
    settle();
    assertEquals("transfer\n", listener.received.toString());
    assertEquals("the client ended the TLS session", listener.inputEnded);
    listener.send("Transfer OK!\n");
    driver.closeAfterOutput("answered");
    assertTrue(driver.isClosed());
    assertFalse(listener.output.isEmpty(), "the engine took output after close_notify");
    assertTrue(channel.hasBytesForClient(), "close_notify went out");
  }

  @Test
  void theEndOfTheStreamEndsInputAfterWhatCameBeforeIt() throws Exception {
    connect(newServerEngine(), null);
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
    connect(newServerEngine(), null);
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
    connect(newServerEngine(), null);
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
    connect(newServerEngine(), null);
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
    connect(newServerEngine(), null);
    shakeHands();
    listener.send("BYE\n");
    driver.closeAfterOutput("closed by the server");
    assertEquals("BYE\n", client.received());
    assertTrue(client.serverClosed());
    assertTrue(driver.isClosed());
    assertEquals(liveBefore, serverTls.serverEngines().live());
    driver.closeNow("again");
    driver.closeAfterOutput("and again");
    assertEquals(1, listener.closedCalls, "closed is told once");
    assertEquals(liveBefore, serverTls.serverEngines().live(), "released once");
  }

  @Test
  void aFailedHandshakeSendsItsAlertIsClassifiedAndReleasesTheEngine() throws Exception {
    connect(newServerEngine(), null);
    channel.fromClient(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: x\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII)));
    driver.onReady(true);
    assertTrue(driver.isClosed());
    assertTrue(listener.closedDuringHandshake);
    assertEquals(HandshakeFailure.Reason.NOT_TLS, listener.failure);
    assertTrue(channel.serverOutputShut, "the alert went out before the close");
    assertEquals(liveBefore, serverTls.serverEngines().live());
  }

  @Test
  void theEndOfTheStreamDuringTheHandshakeClosesIt() throws Exception {
    connect(newServerEngine(), null);
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
    connect(newServerEngine(), null);
    shakeHands();
    IllegalStateException bug = new IllegalStateException("broken invariant (test)");
    listener.failOnReceive = bug;
    client.send("x\n");
    IllegalStateException thrown = assertThrows(IllegalStateException.class,
        () -> driver.onReady(true));
    assertSame(bug, thrown);
    assertTrue(driver.isClosed());
    assertTrue(listener.closedReason.startsWith("internal error"), listener.closedReason);
    assertEquals(liveBefore, serverTls.serverEngines().live(), "released on this path too");
  }

  /** A native engine's ways: no delegated task, several records per unwrap, no FINISHED. */
  @Test
  void anEngineThatNeverDelegatesAndDecryptsSeveralRecordsAtOnceWorks() throws Exception {
    Assumptions.assumeTrue(engine == TlsEngine.JDK, "the JDK's engine made to act natively");
    SSLEngine jdk = newServerEngine();
    connect(new ForeignEngine(jdk), foreign -> serverTls.serverEngines().release(jdk));
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
    driver = new TlsDriver(1, channel, newServerEngine(), serverTls.serverEngines()::release,
        small,
        this::giveWorker, loopTasks::add, listener, ClientHelloGate.Screen.NONE);
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
    connect(newServerEngine(), null);
    shakeHands();
    String text = "z".repeat(TlsDriver.MAX_STEPS_PER_PUMP * 2) + "\n";
    client.sendByteRecords(text);
    driver.onReady(true);
    assertTrue(listener.received.length() < text.length(), "one pump did everything");
    assertFalse(loopTasks.isEmpty(), "the rest is queued on the loop");
    settle();
    assertEquals(text, listener.received.toString());
  }

  /**
   * A client offering only a micropay version the server does not speak gets the
   * no_application_protocol alert before the engine sees its hello, on either engine
   * (BoringSSL's selector could not refuse it): the bytes it reads are that alert, its engine
   * fails saying so, and the handshake counts as refused for that reason.
   */
  @Test
  void aClientOfferingOnlyUnknownVersionsGetsTheAlertBeforeTheEngineSeesIt() throws Exception {
    TlsFactory versioned = pki.usingEngine(engine).serverTls(5_000,
        new ApplicationProtocols(List.of("micropay/2"), "micropay/"));
    java.net.InetSocketAddress from = new java.net.InetSocketAddress("127.0.0.1", 40_000);
    long live = versioned.serverEngines().live();
    driver = new TlsDriver(1, channel, versioned.serverEngines().newEngine(from),
        versioned.serverEngines()::release,
        buffers, this::giveWorker, loopTasks::add, listener,
        versioned.serverEngines()::screenClientHello);
    SSLEngine offering = MemoryClient.engine(alice, null);
    SSLParameters parameters = offering.getSSLParameters();
    parameters.setApplicationProtocols(new String[] {"micropay/3"});
    offering.setSSLParameters(parameters);
    client = new MemoryClient(channel, offering);
    driver.start();
    client.step();
    driver.onReady(true);
    assertTrue(driver.isClosed());
    assertEquals(HandshakeFailure.Reason.APPLICATION_PROTOCOL, listener.failure);
    assertTrue(listener.closedReason.contains("no common protocol version"),
        listener.closedReason);
    ByteBuffer alert = ByteBuffer.allocate(64);
    channel.toClient(alert);
    assertEquals(ClientHelloAlpn.noApplicationProtocolAlert(), alert.flip());
    assertEquals(live, versioned.serverEngines().live(), "the engine was released");
    driver = null;
  }

  /** A server engine as for a client at its own port: each connection's peer is told apart. */
  private SSLEngine newServerEngine() {
    return serverTls.serverEngines().newEngine(new java.net.InetSocketAddress("127.0.0.1",
        clientPorts.incrementAndGet()));
  }

  private void connect(SSLEngine serverEngine, java.util.function.Consumer<SSLEngine> release) {
    driver = new TlsDriver(1, channel, serverEngine,
        release == null ? serverTls.serverEngines()::release : release, buffers, this::giveWorker,
        loopTasks::add, listener, ClientHelloGate.Screen.NONE);
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
