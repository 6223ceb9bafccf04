package io.micropay.system.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.peer.AcceptPolicy;
import io.micropay.peer.PeerNode;
import io.micropay.pki.TlsFactory;
import io.micropay.protocol.LineReader;
import io.micropay.protocol.Wire;
import io.micropay.server.TestServer;
import io.micropay.system.Peers;
import io.micropay.testing.Await;
import io.micropay.testing.Background;
import io.micropay.testing.ProtocolClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The payee's listener against payers that misbehave: a request trickled a byte at a time runs
 * out of its deadline, one certificate cannot hold more than its share of connections, silent and
 * slow connections do not shut a real payer out, and a payer's own "Transfer OK!" is not taken for
 * money received.
 */
@Timeout(120)
class PayeeListenerHostileTest {
  private static final int TIMEOUT_MILLIS = 5_000;
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String ID = "0123abcd-0000-4000-8000-00000000abcd";

  @TempDir
  Path directory;

  private TestServer server;
  private final List<AutoCloseable> closeAfter = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = TestServer.start(directory);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : closeAfter) {
      closeable.close();
    }
    assertTrue(server.server().ledger().audit().balanced());
    server.close();
  }

  @Test
  void aRequestTrickledAByteAtATimeRunsOutOfItsDeadline() throws Exception {
    PeerNode alice = online("alice", AcceptPolicy.AUTO, new Peers.Notices());
    SSLSocket carol = payerConnection("carol", alice);
    byte[] line = Wire.encodeLine("carol#1#alice#" + ID);
    // The whole line would take line.length * 0.3 s (about 15 s); a per-read timeout never
    // ends it. The deadline for the whole request (PeerNode.REQUEST_TIMEOUT, 10 s) does.
    assertTrue(trickle(carol, line, 300), "the listener read the whole trickled line");
  }

  @Test
  void oneCertificateHoldsAtMostTwoConnections() throws Exception {
    Peers.Notices notices = new Peers.Notices();
    PeerNode alice = online("alice", AcceptPolicy.AUTO, notices);
    SSLSocket first = payerConnection("carol", alice);
    SSLSocket second = payerConnection("carol", alice);
    SSLSocket third = payerConnection("carol", alice);
    third.setSoTimeout(TIMEOUT_MILLIS);
    assertNull(LineReader.forReplies(third.getInputStream()).readLine(),
        "the third connection is closed at once");
    assertTrue(notices.any("refused a connection from carol: 2 of theirs are open already"),
        notices.lines.toString());
    assertFalse(first.isClosed() || second.isClosed());
  }

  @Test
  void silentAndSlowConnectionsDoNotShutARealPayerOut() throws Exception {
    PeerNode alice = online("alice", AcceptPolicy.AUTO, new Peers.Notices());
    PeerNode bob = online("bob", AcceptPolicy.NEVER, new Peers.Notices());
    for (int i = 0; i < 8; i++) {
      // Connected, and never a byte: each would hold a listener thread through its handshake.
      Socket silent = new Socket("127.0.0.1", alice.listenPort());
      closeAfter.add(silent);
    }
    List<CompletableFuture<Boolean>> slow = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      SSLSocket carol = payerConnection("carol", alice);
      slow.add(Background.supply("trickle", () -> trickle(carol,
          Wire.encodeLine("carol#1#alice#" + ID), 300)));
    }
    assertEquals(9_990, bob.pay("alice", 10).balanceAfterUnits());
    for (CompletableFuture<Boolean> trickler : slow) {
      assertTrue(trickler.get(30, TimeUnit.SECONDS), "a slow request still ended");
    }
  }

  @Test
  void aPayersOwnVerdictIsNotTakenForMoneyReceived() throws Exception {
    Peers.Notices notices = new Peers.Notices();
    PeerNode alice = online("alice", AcceptPolicy.AUTO, notices);
    try (ProtocolClient carol = new ProtocolClient(payerConnection("carol", alice))) {
      assertEquals("OK", carol.request("carol#10#alice#" + ID));
      carol.send("Transfer OK!");
    }
    Await.until("alice concluded", WAIT, () -> notices.any("carol says the payment of 10 "
        + "settled, but the server has no record of it: nothing was received"));
    assertFalse(notices.any("received 10 from carol"), notices.lines.toString());
    assertEquals(10_000, alice.list().balanceUnits());
  }

  /** A registered peer, online; closed after the test. */
  private PeerNode online(String name, AcceptPolicy policy, Peers.Notices notices) {
    PeerNode node = Peers.online(server, name, policy, notices);
    closeAfter.add(node);
    return node;
  }

  /** A payer's TLS connection to {@code payee}'s listener, the handshake done. */
  private SSLSocket payerConnection(String payer, PeerNode payee) throws IOException {
    TlsFactory tls = server.pki().peerTls(payer, TIMEOUT_MILLIS);
    SSLSocket socket = tls.connectToPeer("127.0.0.1", payee.listenPort(), payee.name(),
        TIMEOUT_MILLIS);
    closeAfter.add(socket);
    return socket;
  }

  /**
   * Sends {@code line} one byte every {@code pauseMillis}; true when the listener closed the
   * connection before the whole line was sent.
   */
  private static boolean trickle(SSLSocket socket, byte[] line, long pauseMillis) {
    try {
      OutputStream out = socket.getOutputStream();
      for (byte b : line) {
        out.write(b);
        out.flush();
        Thread.sleep(pauseMillis);
      }
      // Everything was sent: had the listener closed meanwhile, a write would have failed.
      socket.setSoTimeout(TIMEOUT_MILLIS);
      return socket.getInputStream().read() < 0;
    } catch (IOException closed) {
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
