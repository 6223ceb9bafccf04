package io.micropay.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.peer.AcceptPolicy;
import io.micropay.peer.History;
import io.micropay.peer.IncomingPayments;
import io.micropay.peer.PeerNode;
import io.micropay.peer.net.KeepAlive;
import io.micropay.peer.net.PeerListener;
import io.micropay.pki.TlsFactory;
import io.micropay.server.TestServer;
import io.micropay.server.ledger.AuditReport;
import io.micropay.testing.ProtocolClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Payer-to-payee connections kept for the next payment (docs/protocol.md, "kept connections"):
 * reused while both ends allow it, never at the cost of a payment asked twice or settled twice,
 * and never past the payee's limits or a revocation.
 */
@Timeout(60)
class KeptConnectionTest {
  private static final int TIMEOUT_MILLIS = 10_000;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  @TempDir
  Path directory;

  private TestServer server;
  private final List<AutoCloseable> closeAfter = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(directory);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : closeAfter) {
      closeable.close();
    }
    AuditReport report = server.server().ledger().audit();
    server.close();
    assertTrue(report.balanced(), report.describe());
  }

  @Test
  void paymentsToTheSamePayeeShareOneConnection() {
    try (PeerNode alice = Peers.online(server, "alice", AcceptPolicy.AUTO, new Peers.Notices());
        PeerNode bob = Peers.online(server, "bob", AcceptPolicy.NEVER, new Peers.Notices())) {
      for (int i = 0; i < 3; i++) {
        bob.pay("alice", 1);
      }
      assertEquals(1, alice.incomingConnections(), "one handshake for three payments");
      assertEquals(OptionalLong.of(10_003), balance("alice"));
      assertEquals(OptionalLong.of(9_997), balance("bob"));
      assertEquals(3, server.server().ledger().audit().transferCount());
    }
  }

  @Test
  void aPayeeThatClosesAfterEachPaymentIsAskedAgainOnAFreshConnection() throws Exception {
    // maxRequests 1 is the payee PROTOCOL.md section 5 describes: it closes after the relay.
    PeerListener carol = payee("carol", new KeepAlive(Duration.ofSeconds(5), 1));
    try (PeerNode bob = Peers.online(server, "bob", AcceptPolicy.NEVER, new Peers.Notices())) {
      bob.pay("carol", 5);
      bob.pay("carol", 7);
      assertEquals(2, carol.connectionsAccepted());
      assertEquals(OptionalLong.of(10_012), balance("carol"));
      assertEquals(2, server.server().ledger().audit().transferCount(), "each settled once");
    }
  }

  @Test
  void aKeptConnectionCarriesAtMostMaxRequestsThenAFreshOneIsOpened() throws Exception {
    PeerListener carol = payee("carol", new KeepAlive(Duration.ofSeconds(5), 3));
    try (PeerNode bob = Peers.online(server, "bob", AcceptPolicy.NEVER, new Peers.Notices())) {
      for (int i = 0; i < 7; i++) {
        bob.pay("carol", 1);
      }
      assertEquals(3, carol.connectionsAccepted(), "payments 1-3, 4-6 and 7");
      assertEquals(OptionalLong.of(10_007), balance("carol"));
    }
  }

  @Test
  void thePayeeClosesAConnectionIdleLongerThanItsKeepAlive() throws Exception {
    PeerListener carol = payee("carol", new KeepAlive(Duration.ofMillis(200), 100));
    try (ProtocolClient dave = rawPayer("dave", carol)) {
      assertEquals("OK", dave.request("dave#1#carol#kept-connection-1"));
      dave.send("Transfer OK!");
      assertNull(dave.readLine(), "carol closed the idle connection");
    }
  }

  @Test
  void aPayerRevokedWhileItsConnectionIsKeptIsRefusedOnItsNextRequest() throws Exception {
    Peers.Notices notices = new Peers.Notices();
    PeerListener carol = payee("carol", KeepAlive.DEFAULT, notices);
    try (ProtocolClient dave = rawPayer("dave", carol)) {
      assertEquals("OK", dave.request("dave#1#carol#kept-connection-1"));
      dave.send("Transfer OK!");
      server.pki().revoke("dave");
      dave.send("dave#1#carol#kept-connection-2");
      assertNull(dave.readLineOrNull(), "closed instead of answered");
      assertTrue(notices.any("refused a payment from dave"), notices.lines.toString());
    }
  }

  @Test
  void aNewPayerIsServedWhileEveryThreadHoldsAKeptConnection() throws Exception {
    // Kept connections wait up to a minute, longer than this test may run: the ninth payer is
    // answered only because the listener closes a kept connection to make room for it.
    PeerListener carol = payee("carol", new KeepAlive(Duration.ofMinutes(1), 100));
    List<ProtocolClient> keeping = new ArrayList<>();
    try {
      for (int i = 0; i < PeerListener.MAX_CONCURRENT_PAYERS; i++) {
        ProtocolClient payer = rawPayer("payer" + i, carol);
        keeping.add(payer);
        assertEquals("DECLINE DECLINED_BY_USER",
            payer.request("payer" + i + "#2000000#carol#kept-payer-" + i),
            "above carol's automatic limit");
      }
      try (ProtocolClient late = rawPayer("late", carol)) {
        assertEquals("OK", late.request("late#1#carol#late-payer-01"));
        late.send("Transfer OK!");
      }
    } finally {
      for (ProtocolClient payer : keeping) {
        payer.close();
      }
    }
  }

  private PeerListener payee(String name, KeepAlive keepAlive) throws IOException {
    return payee(name, keepAlive, new Peers.Notices());
  }

  /** A payee's listener with its own keep-alive, logged in at the server under its port. */
  private PeerListener payee(String name, KeepAlive keepAlive, Peers.Notices notices)
      throws IOException {
    TlsFactory tls = server.pki().peerTls(name, TIMEOUT_MILLIS);
    IncomingPayments incoming = new IncomingPayments(name, AcceptPolicy.AUTO, 1_000_000,
        (question, timeout) -> Optional.empty(), Duration.ofSeconds(5), new History(), notices,
        request -> IncomingPayments.CreditStatus.unknown("this listener has no server session"));
    PeerListener listener = PeerListener.start(tls, new InetSocketAddress("127.0.0.1", 0),
        incoming, notices, REQUEST_TIMEOUT, REQUEST_TIMEOUT, keepAlive);
    closeAfter.add(listener);
    closeAfter.add(server.online(name, listener.port()));
    return listener;
  }

  private OptionalLong balance(String name) {
    return server.server().ledger().balance(name);
  }

  /** A payer speaking the peer-to-peer protocol by hand on one kept connection. */
  private ProtocolClient rawPayer(String name, PeerListener payee) throws IOException {
    SSLSocket socket = server.pki().peerTls(name, TIMEOUT_MILLIS).connectToPeer("127.0.0.1",
        payee.port(), "carol", TIMEOUT_MILLIS);
    socket.setSoTimeout(TIMEOUT_MILLIS);
    return new ProtocolClient(socket);
  }
}
