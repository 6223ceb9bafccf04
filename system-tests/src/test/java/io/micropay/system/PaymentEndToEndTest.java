package io.micropay.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.peer.AcceptPolicy;
import io.micropay.peer.History;
import io.micropay.peer.PaymentReceipt;
import io.micropay.peer.PeerFailure.Kind;
import io.micropay.peer.PeerFailure;
import io.micropay.peer.PeerNode;
import io.micropay.pki.TlsFactory;
import io.micropay.protocol.LineReader;
import io.micropay.protocol.Wire;
import io.micropay.server.TestServer;
import io.micropay.server.ledger.AuditReport;
import io.micropay.testing.Await;
import io.micropay.testing.ProtocolClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Payments end to end: a real server, real peers, real TLS on 127.0.0.1. Balances are checked on
 * the server's ledger, and every test ends with an audit of the books.
 */
@Timeout(60)
class PaymentEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path directory;

  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(directory);
  }

  @AfterEach
  void stop() {
    AuditReport report = server.server().ledger().audit();
    server.close();
    assertTrue(report.balanced(), report.describe());
  }

  @Test
  void aPaymentSettlesAndBothBalancesChangeOnTheServer() {
    Peers.Notices aliceNotices = new Peers.Notices();
    try (PeerNode alice = Peers.online(server, "alice", AcceptPolicy.AUTO, aliceNotices);
        PeerNode bob = Peers.online(server, "bob", AcceptPolicy.NEVER, new Peers.Notices())) {
      PaymentReceipt receipt = bob.pay("alice", 300);
      assertEquals(new PaymentReceipt("alice", 300, receipt.transferId(), 10_000, 9_700),
          receipt);
      assertEquals(OptionalLong.of(10_300), balance("alice"));
      assertEquals(OptionalLong.of(9_700), balance("bob"));
      Await.until("alice heard of it", WAIT, () -> aliceNotices.any("received 300 from bob"));
      assertTrue(aliceNotices.any("received 300 from bob (settled, confirmed by the server)"),
          aliceNotices.lines.toString());
      assertEquals(History.Direction.PAID, bob.history().entries().get(0).direction());
      assertEquals(10_300, alice.list().balanceUnits());
    }
  }

  @Test
  void aDeclinedPaymentMovesNothing() {
    try (PeerNode alice = Peers.online(server, "alice", AcceptPolicy.NEVER, new Peers.Notices());
        PeerNode bob = Peers.online(server, "bob", AcceptPolicy.NEVER, new Peers.Notices())) {
      PeerFailure failure = assertThrows(PeerFailure.class, () -> bob.pay("alice", 300));
      assertEquals(Kind.DECLINED, failure.kind());
      assertTrue(failure.getMessage().contains("alice is not accepting payments (NOT_ACCEPTING)"),
          failure.getMessage());
      assertUnchanged("alice", "bob");
    }
  }

  @Test
  void aPromptNobodyAnswersIsDeclinedWithTimeout() {
    try (PeerNode alice = Peers.online(server, "alice", AcceptPolicy.PROMPT,
            new Peers.Notices(), (question, timeout) -> java.util.Optional.empty());
        PeerNode bob = Peers.online(server, "bob", AcceptPolicy.NEVER, new Peers.Notices())) {
      PeerFailure failure = assertThrows(PeerFailure.class, () -> bob.pay("alice", 5));
      assertTrue(failure.getMessage().contains("TIMEOUT"), failure.getMessage());
      assertUnchanged("alice", "bob");
    }
  }

  @Test
  void aPayeeThatIsOfflineIsNamedAsSuch() {
    try (PeerNode bob = Peers.online(server, "bob", AcceptPolicy.NEVER, new Peers.Notices())) {
      PeerFailure failure = assertThrows(PeerFailure.class, () -> bob.pay("alice", 5));
      assertEquals(Kind.PAYEE_UNAVAILABLE, failure.kind());
      assertTrue(failure.getMessage().contains("alice is not online"), failure.getMessage());
    }
  }

  @Test
  void aPayeeWhoseListenerIsDownIsUnreachableAtItsAddress() throws Exception {
    try (ProtocolClient carol = server.online("carol", freePort());
        PeerNode bob = Peers.online(server, "bob", AcceptPolicy.NEVER, new Peers.Notices())) {
      PeerFailure failure = assertThrows(PeerFailure.class, () -> bob.pay("carol", 5));
      assertEquals(Kind.PAYEE_UNAVAILABLE, failure.kind());
      assertTrue(failure.getMessage().contains("cannot reach carol at 127.0.0.1:"),
          failure.getMessage());
      assertUnchanged("carol", "bob");
    }
  }

  @Test
  void aListenerWithAnotherUsersCertificateIsRefusedBeforeAnythingIsSent() throws Exception {
    Peers.Notices malloryNotices = new Peers.Notices();
    try (PeerNode mallory = Peers.online(server, "mallory", AcceptPolicy.AUTO, malloryNotices);
        ProtocolClient fakeBob = server.online("bob", mallory.listenPort());
        PeerNode alice = Peers.online(server, "alice", AcceptPolicy.NEVER,
            new Peers.Notices())) {
      // The server lists bob at mallory's listener (bob logged in with that port); alice
      // must notice that the certificate there is mallory's.
      PeerFailure failure = assertThrows(PeerFailure.class, () -> alice.pay("bob", 100));
      assertEquals(Kind.PAYEE_UNAVAILABLE, failure.kind());
      assertTrue(failure.getMessage().contains("for 'mallory', not for 'bob'"),
          failure.getMessage());
      assertTrue(failure.getMessage().contains("nothing was sent"), failure.getMessage());
      assertTrue(mallory.history().entries().isEmpty(), "mallory never saw a request");
      assertTrue(malloryNotices.lines.stream().noneMatch(line -> line.contains("alice#")),
          malloryNotices.lines.toString());
      assertUnchanged("alice", "bob");
    }
  }

  @Test
  void aPayerClaimingToBeSomeoneElseIsDeclined() throws Exception {
    Peers.Notices bobNotices = new Peers.Notices();
    try (PeerNode bob = Peers.online(server, "bob", AcceptPolicy.AUTO, bobNotices)) {
      TlsFactory mallory = server.pki().peerTls("mallory", TestServer.TIMEOUT_MILLIS);
      try (SSLSocket socket = mallory.connectToPeer("127.0.0.1", bob.listenPort(), "bob",
          TestServer.TIMEOUT_MILLIS)) {
        socket.setSoTimeout(TestServer.TIMEOUT_MILLIS);
        socket.getOutputStream().write(Wire.encodeLine("alice#100#bob#abcdef-123456"));
        socket.getOutputStream().flush();
        assertEquals("DECLINE BAD_REQUEST",
            LineReader.forReplies(socket.getInputStream()).readLine());
      }
      assertTrue(bobNotices.any("claiming to be alice"), bobNotices.lines.toString());
    }
  }

  @Test
  void aRequestForSomeoneElseIsDeclinedAsNotMe() throws Exception {
    try (PeerNode bob = Peers.online(server, "bob", AcceptPolicy.AUTO, new Peers.Notices())) {
      TlsFactory alice = server.pki().peerTls("alice", TestServer.TIMEOUT_MILLIS);
      try (SSLSocket socket = alice.connectToPeer("127.0.0.1", bob.listenPort(), "bob",
          TestServer.TIMEOUT_MILLIS)) {
        socket.setSoTimeout(TestServer.TIMEOUT_MILLIS);
        socket.getOutputStream().write(Wire.encodeLine("alice#100#carol#abcdef-123456"));
        assertEquals("DECLINE NOT_ME", LineReader.forReplies(socket.getInputStream())
            .readLine());
      }
    }
  }

  @Test
  void insufficientFundsSaysTheBalance() {
    try (PeerNode alice = Peers.online(server, "alice", AcceptPolicy.AUTO, new Peers.Notices());
        PeerNode bob = Peers.online(server, "bob", AcceptPolicy.NEVER, new Peers.Notices())) {
      PeerFailure failure = assertThrows(PeerFailure.class, () -> bob.pay("alice", 10_001));
      assertEquals(Kind.REFUSED_BY_SERVER, failure.kind());
      assertTrue(failure.getMessage().contains("insufficient funds: your balance is 10000"),
          failure.getMessage());
      assertUnchanged("alice", "bob");
    }
  }

  @Test
  void theServerGoingAwayBetweenAcceptAndReportMovesNothingAndSaysSo() throws Exception {
    try (PeerNode alice = Peers.online(server, "alice", AcceptPolicy.PROMPT, new Peers.Notices(),
            (question, timeout) -> {
              server.close();
              return java.util.Optional.of(true);
            });
        PeerNode bob = Peers.online(server, "bob", AcceptPolicy.NEVER, new Peers.Notices())) {
      PeerFailure failure = assertThrows(PeerFailure.class, () -> bob.pay("alice", 300));
      assertEquals(Kind.SERVER_UNREACHABLE, failure.kind());
      assertTrue(failure.getMessage().contains("alice accepted, but the server could not be "
          + "reached"), failure.getMessage());
    }
    server = TestServer.reopen(server);
    assertUnchanged("alice", "bob");
  }

  @Test
  void aReportWhoseReplyIsLostIsSentAgainWithTheSameIdAndSettlesOnce() throws Exception {
    try (DroppingProxy proxy = new DroppingProxy(server.port());
        PeerNode alice = Peers.online(server, "alice", AcceptPolicy.PROMPT, new Peers.Notices(),
            (question, timeout) -> {
              proxy.arm();
              return java.util.Optional.of(true);
            })) {
      PeerNode bob = PeerNode.connect(Peers.config(server, "bob", AcceptPolicy.NEVER,
          proxy.port()), new Peers.Notices(), (question, timeout) -> java.util.Optional.empty());
      try (bob) {
        bob.register();
        bob.goOnline();
        PaymentReceipt receipt = bob.pay("alice", 300);
        assertEquals(9_700, receipt.balanceAfterUnits());
      }
      assertEquals(2, proxy.connections(), "bob reconnected once to report again");
      assertEquals(OptionalLong.of(9_700), balance("bob"));
      assertEquals(OptionalLong.of(10_300), balance("alice"));
      assertEquals(1, server.server().ledger().audit().transferCount(), "settled once");
    }
  }

  private OptionalLong balance(String name) {
    return server.server().ledger().balance(name);
  }

  private void assertUnchanged(String... names) {
    for (String name : names) {
      assertEquals(OptionalLong.of(10_000), balance(name), name);
    }
    assertEquals(0, server.server().ledger().audit().transferCount());
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
