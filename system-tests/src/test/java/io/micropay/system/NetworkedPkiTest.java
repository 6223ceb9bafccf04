package io.micropay.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.peer.AcceptPolicy;
import io.micropay.peer.PeerConfig;
import io.micropay.peer.PeerNode;
import io.micropay.peer.ServerAddress;
import io.micropay.pki.CertificateAuthority.ExistingCertificate;
import io.micropay.pki.CertificateAuthority.LeafRequest;
import io.micropay.pki.EnrollmentToken;
import io.micropay.pki.Enrollments;
import io.micropay.pki.KeyAlgorithm;
import io.micropay.pki.Passphrase;
import io.micropay.pki.PkiLayout;
import io.micropay.pki.Role;
import io.micropay.pki.TlsFactory;
import io.micropay.pki.Validity;
import io.micropay.pki.cli.PkiCommand;
import io.micropay.pki.client.CaServiceAddress;
import io.micropay.pki.client.PeerEnrollment.ExistingKey;
import io.micropay.pki.client.PeerEnrollment;
import io.micropay.pki.service.CaService;
import io.micropay.pki.testing.TestCaService;
import io.micropay.pki.testing.TestPki;
import io.micropay.pki.x509.SubjectAltNames;
import io.micropay.server.PaymentServer;
import io.micropay.server.ServerConfig;
import io.micropay.server.Verbosity;
import io.micropay.server.ledger.Ledgers;
import io.micropay.testing.Await;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The networked PKI with a real payment server and real peers: servers and peers whose ssl
 * folders hold no CRL file learn a revocation from the CA service and act on it within 15 s, and
 * certificates renew by themselves while sessions stay up.
 */
@Timeout(90)
class NetworkedPkiTest {
  @TempDir
  Path directory;

  @Test
  void aServerWithoutACrlFileEndsARevokedPeersSessionWithin15sOfPkiRevoke() throws Exception {
    TestPki pki = TestPki.create(directory.resolve("ca"));
    try (CaService service = TestCaService.start(pki);
        PaymentServer server = PaymentServer.start(serverConfig(pki, Duration.ofDays(1),
            service))) {
      PkiLayout alice = enroll(pki, service, "alice");
      TlsFactory preloaded = TlsFactory.builder().forLayout(alice).identity(
          alice.peerCertificate("alice"), alice.peerKey("alice"), Passphrase.none(), Role.PEER)
          .build();
      try (PeerNode node = PeerNode.connect(peerConfig(alice, "alice", server), message -> {
      }, (question, timeout) -> Optional.empty())) {
        node.register();
        node.goOnline();
        assertEquals(1, server.onlineAccounts());
        long revokedAt = System.nanoTime();
        assertEquals(0, PkiCommand.commandLine().execute("revoke", "alice", "--dir",
            pki.layout().directory().toString()));
        Await.until("alice's session ended", Duration.ofSeconds(15),
            () -> server.onlineAccounts() == 0);
        long endedMillis = (System.nanoTime() - revokedAt) / 1_000_000;
        assertTrue(endedMillis < 15_000, endedMillis + " ms");
        assertThrows(IOException.class, () -> preloaded.connectToServer("127.0.0.1",
            server.port(), 5_000).getInputStream().read(), "its next handshake is refused");
      }
    }
  }

  @Test
  void aRunningPeerAndARunningServerRenewWithoutADroppedSession() throws Exception {
    Duration lifetime = Duration.ofSeconds(15);
    TestPki pki = TestPki.create(directory.resolve("ca"));
    try (CaService service = TestCaService.start(pki, lifetime, Duration.ofDays(1), 1_000,
        Clock.systemUTC());
        PaymentServer server = PaymentServer.start(serverConfig(pki, lifetime, service))) {
      X509Certificate serverBefore = server.tls().certificate();
      PkiLayout alice = enroll(pki, service, "alice");
      PkiLayout bob = enroll(pki, service, "bob");
      try (PeerNode alicePeer = online(alice, "alice", server);
          PeerNode bobPeer = online(bob, "bob", server)) {
        BigInteger aliceBefore = certificateSerial(alice, "alice");
        Instant oldExpiry = serverBefore.getNotAfter().toInstant().plusSeconds(2);
        Await.until("the old certificates expired", Duration.ofSeconds(40),
            () -> Instant.now().isAfter(oldExpiry));
        assertNotEquals(serverBefore.getSerialNumber(), server.tls().certificate()
            .getSerialNumber(), "the server renewed itself");
        assertNotEquals(aliceBefore, certificateSerial(alice, "alice"), "alice renewed");
        assertEquals(2, server.onlineAccounts(), "nobody went offline");
        assertEquals(2, alicePeer.list().entries().size());
        assertEquals(2, bobPeer.list().entries().size(), "sessions made with the old "
            + "certificates still answer");
        assertEquals(9_900, alicePeer.pay("bob", 100).balanceAfterUnits());
      }
    }
  }

  private static PeerNode online(PkiLayout layout, String name, PaymentServer server) {
    PeerNode node = PeerNode.connect(peerConfig(layout, name, server), message -> {
    }, (question, timeout) -> Optional.empty());
    node.register();
    node.goOnline();
    return node;
  }

  private static BigInteger certificateSerial(PkiLayout layout, String name) {
    return io.micropay.pki.x509.Pem.readCertificate(layout.peerCertificate(name))
        .getSerialNumber();
  }

  private PkiLayout enroll(TestPki pki, CaService service, String name) {
    EnrollmentToken token = new Enrollments(pki.ca(), Clock.systemUTC()).issue(name,
        Duration.ofHours(1), ExistingCertificate.REFUSE);
    PkiLayout layout = new PkiLayout(directory.resolve(name));
    PeerEnrollment.enroll(service.serviceUrl(), token, layout, KeyAlgorithm.EC_P256,
        Passphrase.none(), ExistingKey.REFUSE);
    return layout;
  }

  /** A server folder with ca.crt, a server certificate naming the service, and no ca.crl. */
  private ServerConfig serverConfig(TestPki pki, Duration lifetime, CaService service)
      throws IOException {
    PkiLayout layout = new PkiLayout(directory.resolve("server-ssl"));
    Files.createDirectories(layout.directory());
    Files.copy(pki.layout().caCertificate(), layout.caCertificate());
    pki.ca().issueWithNewKey(new LeafRequest(Role.SERVER, "localhost",
            List.of(SubjectAltNames.parse("DNS:localhost"), SubjectAltNames.parse("IP:127.0.0.1")),
            Validity.lifetime(Instant.now(), lifetime), ExistingCertificate.OVERLAP),
        KeyAlgorithm.EC_P256, Passphrase.none(), layout.serverCertificate(), layout.serverKey());
    CaServiceAddress.write(layout, service.serviceUrl());
    return new ServerConfig(new InetSocketAddress("127.0.0.1", 0), layout, Passphrase.none(),
        Ledgers.derbyUrl(directory.resolve("data")), 8, 2, 64, 100, 10_000, 1_000_000,
        Duration.ofMinutes(5), Duration.ofSeconds(5), Verbosity.EVENTS);
  }

  private static PeerConfig peerConfig(PkiLayout layout, String name, PaymentServer server) {
    return new PeerConfig(layout, layout.peerCertificate(name), layout.peerKey(name),
        Passphrase.none(), List.of(new ServerAddress("127.0.0.1", server.port())), 0,
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10),
        Duration.ofSeconds(5), AcceptPolicy.AUTO, 1_000_000, 3, Peers.REPORT_WAIT);
  }
}
