package io.micropay.pki.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.pki.PeerIdentityException;
import io.micropay.pki.TlsFactory;
import io.micropay.pki.testing.RogueTlsClient;
import io.micropay.pki.testing.TestPki;
import io.micropay.pki.tls.HandshakeRecorder.Outcome;
import io.micropay.testing.OpenSsl;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real TLS handshakes over loopback through the {@link TlsFactory}, on each engine: a good peer
 * gets in, and every kind of bad certificate or protocol is refused with a reason that names the
 * problem.
 */
@Timeout(60)
@ParameterizedClass
@EnumSource(TlsEngine.class)
class TlsFactoryHandshakeTest {
  private static final int TIMEOUT_MILLIS = 5_000;

  @TempDir
  Path directory;

  @Parameter
  TlsEngine engine;

  private TestPki pki;

  @BeforeEach
  void makePki() {
    pki = TestPki.create(directory.resolve("ssl")).usingEngine(engine);
  }

  @Test
  void aGoodPeerGetsInAndIsKnownByItsCertificateName() throws Exception {
    try (HandshakeRecorder server = new HandshakeRecorder(pki.serverTls(TIMEOUT_MILLIS));
        SSLSocket socket = pki.peerTls("alice", TIMEOUT_MILLIS)
            .connectToServer("127.0.0.1", server.port(), TIMEOUT_MILLIS)) {
      assertEquals("hello alice", readLine(socket));
      Outcome outcome = server.next();
      assertEquals("alice", outcome.identity().accountName());
      assertEquals("TLSv1.3", socket.getSession().getProtocol());
    }
  }

  @Test
  void aClientWithoutACertificateIsRefused() throws Exception {
    assertRefused(RogueTlsClient.presenting(null), "sent no certificate");
  }

  @Test
  void aCertificateFromAnotherCaIsRefused() throws Exception {
    TestPki.Identity foreign = pki.peerFromAnotherCa("alice", directory.resolve("other-ca"));
    assertRefused(RogueTlsClient.presenting(foreign), "signature does not verify");
  }

  @Test
  void aSelfSignedCertificateWithARealNameIsRefused() throws Exception {
    TestPki.Identity selfSigned = pki.selfSignedPeer("alice", directory);
    assertRefused(RogueTlsClient.presenting(selfSigned), "is not issued by this deployment's CA");
  }

  @Test
  void anExpiredCertificateIsRefused() throws Exception {
    assertRefused(RogueTlsClient.presenting(pki.expiredPeer("alice")), "expired on");
  }

  @Test
  void aNotYetValidCertificateIsRefused() throws Exception {
    assertRefused(RogueTlsClient.presenting(pki.notYetValidPeer("alice")), "not valid yet");
  }

  @Test
  void aRevokedCertificateIsRefused() throws Exception {
    TestPki.Identity alice = pki.peer("alice");
    pki.revoke("alice");
    assertRefused(RogueTlsClient.presenting(alice), "was revoked");
  }

  @Test
  void theServerCertificateCannotLogInAsAClient() throws Exception {
    assertRefused(RogueTlsClient.presenting(pki.server()), "a peer certificate is required");
  }

  @Test
  void aTls11ClientIsRefused() throws Exception {
    TestPki.Identity alice = pki.peer("alice");
    try (HandshakeRecorder server = new HandshakeRecorder(pki.serverTls(TIMEOUT_MILLIS))) {
      OpenSsl.Result result = OpenSsl.run(Duration.ofSeconds(20), "s_client", "-connect",
          "127.0.0.1:" + server.port(), "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0",
          "-cert", alice.certificate().toString(), "-key", alice.key().toString());
      assertTrue(result.exitCode() != 0, result.output());
      Outcome outcome = server.next();
      assertFalse(outcome.succeeded());
      assertTrue(outcome.failure().contains("no common TLS version"), outcome.failure());
    }
  }

  @Test
  void revokingWhileTheServerRunsRefusesTheNextHandshakeWithoutARestart() throws Exception {
    TlsFactory alice = pki.peerTls("alice", TIMEOUT_MILLIS);
    try (HandshakeRecorder server = new HandshakeRecorder(pki.serverTls(TIMEOUT_MILLIS))) {
      try (SSLSocket first = alice.connectToServer("127.0.0.1", server.port(), TIMEOUT_MILLIS)) {
        assertEquals("hello alice", readLine(first));
        assertTrue(server.next().succeeded());
      }
      pki.revoke("alice");
      // The same client factory tries to resume its TLS session: the server must still refuse.
      assertThrows(IOException.class, () -> {
        try (SSLSocket second = alice.connectToServer("127.0.0.1", server.port(),
            TIMEOUT_MILLIS)) {
          readLine(second);
        }
      });
      Outcome outcome = server.next();
      assertFalse(outcome.succeeded());
      assertTrue(outcome.failure().contains("revoked"), outcome.failure());
    }
  }

  @Test
  void aHandshakeThatNeverStartsIsDroppedAtTheDeadline() throws Exception {
    try (HandshakeRecorder server = new HandshakeRecorder(pki.serverTls(500));
        Socket silent = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      Outcome outcome = server.next();
      assertFalse(outcome.succeeded());
      assertTrue(outcome.failure().contains("did not finish"), outcome.failure());
      silent.setSoTimeout(TIMEOUT_MILLIS);
      // The server may send an alert before it closes; what matters is that it closes.
      assertTrue(silent.getInputStream().readAllBytes().length < 64);
    }
  }

  @Test
  void aPeerChecksTheServerCertificateAgainstTheHostItDialled() throws Exception {
    TestPki elsewhere = TestPki.create(directory.resolve("elsewhere")).usingEngine(engine);
    elsewhere.ca().issueWithNewKey(new io.micropay.pki.CertificateAuthority.LeafRequest(
            io.micropay.pki.Role.SERVER, "pay.example",
            List.of(io.micropay.pki.x509.SubjectAltNames.parse("DNS:pay.example")),
            io.micropay.pki.Validity.days(java.time.Instant.now(), 30),
            io.micropay.pki.CertificateAuthority.ExistingCertificate.RENEW),
        io.micropay.pki.KeyAlgorithm.EC_P256, io.micropay.pki.Passphrase.none(),
        elsewhere.layout().serverCertificate(), elsewhere.layout().serverKey());
    try (HandshakeRecorder server = new HandshakeRecorder(elsewhere.serverTls(TIMEOUT_MILLIS))) {
      IOException e = assertThrows(IOException.class, () -> elsewhere.peerTls("alice",
          TIMEOUT_MILLIS).connectToServer("127.0.0.1", server.port(), TIMEOUT_MILLIS));
      assertTrue(TlsFactory.describe(e).contains("not for the host"), TlsFactory.describe(e));
    }
  }

  @Test
  void aPeerDiallingTheServerRefusesAPeerCertificate() throws Exception {
    try (HandshakeRecorder listener = new HandshakeRecorder(pki.peerTls("bob", TIMEOUT_MILLIS))) {
      IOException e = assertThrows(IOException.class, () -> pki.peerTls("alice", TIMEOUT_MILLIS)
          .connectToServer("127.0.0.1", listener.port(), TIMEOUT_MILLIS));
      assertTrue(TlsFactory.describe(e).contains("a server certificate is required"),
          TlsFactory.describe(e));
    }
  }

  @Test
  void aPayerRefusesAListenerThatIsNotThePayeeBeforeSendingAnything() throws Exception {
    try (HandshakeRecorder listener = new HandshakeRecorder(pki.peerTls("bob", TIMEOUT_MILLIS))) {
      TlsFactory alice = pki.peerTls("alice", TIMEOUT_MILLIS);
      PeerIdentityException e = assertThrows(PeerIdentityException.class,
          () -> alice.connectToPeer("127.0.0.1", listener.port(), "carol", TIMEOUT_MILLIS));
      assertTrue(e.getMessage().contains("for 'bob', not for 'carol'"), e.getMessage());
      try (SSLSocket socket = alice.connectToPeer("127.0.0.1", listener.port(), "bob",
          TIMEOUT_MILLIS)) {
        assertEquals("hello alice", readLine(socket));
      }
    }
  }

  @Test
  void theRenegotiationSwitchIsSet() {
    TlsPolicy.ensureInstalled();
    assertEquals("true", System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation"));
    assertTrue(TlsPolicy.CIPHER_SUITES.stream().allMatch(
        suite -> suite.contains("GCM") || suite.contains("CHACHA20")));
  }

  private void assertRefused(RogueTlsClient client, String expectedReason) throws Exception {
    try (HandshakeRecorder server = new HandshakeRecorder(pki.serverTls(TIMEOUT_MILLIS))) {
      assertThrows(IOException.class, () -> {
        try (SSLSocket socket = client.connect(server.port(), TIMEOUT_MILLIS)) {
          readLine(socket);
        }
      });
      Outcome outcome = server.next();
      assertFalse(outcome.succeeded(), "the server let in " + outcome.identity());
      assertTrue(outcome.failure().contains(expectedReason), outcome.failure());
    }
  }

  private static String readLine(SSLSocket socket) throws IOException {
    String line = new BufferedReader(new InputStreamReader(socket.getInputStream(),
        StandardCharsets.US_ASCII)).readLine();
    if (line == null) {
      throw new IOException("the server closed the connection");
    }
    return line;
  }

}
