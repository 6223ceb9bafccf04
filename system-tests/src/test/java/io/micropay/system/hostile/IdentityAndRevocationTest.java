package io.micropay.system.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.peer.AcceptPolicy;
import io.micropay.peer.PeerConfig;
import io.micropay.peer.PeerFailure;
import io.micropay.peer.PeerNode;
import io.micropay.peer.ServerAddress;
import io.micropay.pki.Passphrase;
import io.micropay.pki.TlsFactory;
import io.micropay.pki.tls.TlsEngine;
import io.micropay.pki.tls.TlsEngineChoice;
import io.micropay.pki.testing.TestPki;
import io.micropay.protocol.LineReader;
import io.micropay.protocol.Wire;
import io.micropay.server.TestServer;
import io.micropay.testing.Await;
import io.micropay.testing.ProtocolClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Who can do what with which certificate, with the server and the peers on each TLS engine:
 * mallory's valid certificate gets her nothing of alice's, and a revoked peer is cut off by the
 * server and by peer listeners without restarts.
 */
@Timeout(60)
@ParameterizedClass(name = "{0} engine")
@EnumSource(TlsEngine.class)
class IdentityAndRevocationTest {
  private static final int TIMEOUT_MILLIS = 5_000;

  @TempDir
  Path directory;

  @Parameter
  TlsEngine engine;

  private TestServer server;

  @BeforeEach
  void start() throws IOException {
    server = TestServer.start(directory, settings -> settings.withTlsEngine(engine));
  }

  @AfterEach
  void stop() {
    assertTrue(server.server().ledger().audit().balanced());
    server.close();
  }

  @Test
  void malloryCannotRegisterLogInDepositListAsOrPayFromAlice() throws Exception {
    try (ProtocolClient alice = server.online("alice", 6000);
        ProtocolClient bob = server.online("bob", 6001);
        ProtocolClient mallory = server.online("mallory", 6002)) {
      mallory.expect("REGISTER#alice", "210 FAIL");
      mallory.expect("alice#6002", "220 AUTH_FAIL");
      mallory.expect("DEPOSIT#alice#100", "DEPOSIT FAIL");
      mallory.expect("alice#500#mallory", "Transfer Fail! NOT_YOUR_ACCOUNT");
      mallory.expect("alice#500#mallory#deadbeef-0001", "Transfer Fail! NOT_YOUR_ACCOUNT");
      assertEquals(10_000, mallory.list().balanceUnits(), "List shows mallory's own balance");
      bob.expect("alice#100#bob", "Transfer Fail! NOT_YOUR_ACCOUNT");
      assertEquals(OptionalLong.of(10_000), server.server().ledger().balance("alice"));
      assertEquals(0, server.server().ledger().audit().transferCount());
    }
  }

  @Test
  void aRevokedPeerIsEndedByTheServerWithinFiveSecondsAndRefusedAfterwards() throws Exception {
    TlsFactory preloaded = server.pki().peerTls("alice", TIMEOUT_MILLIS);
    try (ProtocolClient alice = server.online("alice", 6000)) {
      long revokedAt = System.nanoTime();
      server.pki().revoke("alice");
      Await.until("alice's session ended", Duration.ofSeconds(5),
          () -> server.server().onlineAccounts() == 0);
      long endedMillis = (System.nanoTime() - revokedAt) / 1_000_000;
      assertTrue(alice.isClosedByServer());
      Figures.report("live revocation of a logged-in peer", 1, "session ended "
          + endedMillis + " ms after pki revoke (limit 5000 ms)");
      assertThrows(IOException.class, () -> {
        try (ProtocolClient again = new ProtocolClient(preloaded.connectToServer("127.0.0.1",
            server.port(), TIMEOUT_MILLIS))) {
          again.request("List");
        }
      });
    }
  }

  @Test
  void aPeerListenerRefusesAPayerRevokedWhileItRuns() throws Exception {
    TestPki.Identity bobIdentity = server.pki().peer("bob");
    try (PeerNode bob = PeerNode.connect(new PeerConfig(server.pki().layout(),
        bobIdentity.certificate(), bobIdentity.key(), Passphrase.none(),
        List.of(new ServerAddress("127.0.0.1", server.port())), 0, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10),
        Duration.ofSeconds(5), AcceptPolicy.AUTO, 1_000_000, 3, Duration.ofSeconds(5),
        TlsEngineChoice.of(engine)), message -> {
        }, (question, timeout) -> Optional.empty())) {
      bob.register();
      bob.goOnline();
      TlsFactory alice = server.pki().peerTls("alice", TIMEOUT_MILLIS);
      assertEquals("OK", ask(alice, bob.listenPort()), "before the revocation");
      server.pki().revoke("alice");
      assertThrows(IOException.class, () -> ask(alice, bob.listenPort()),
          "bob's listener read the new CRL");
    }
  }

  @Test
  void aRevokedPeerCannotEvenStart() {
    server.pki().peer("alice");
    server.pki().revoke("alice");
    TestPki.Identity alice = server.pki().peer("alice");
    PeerFailure failure = assertThrows(PeerFailure.class, () -> PeerNode.connect(new PeerConfig(
        server.pki().layout(), alice.certificate(), alice.key(), Passphrase.none(),
        List.of(new ServerAddress("127.0.0.1", server.port())), 0, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10),
        Duration.ofSeconds(5), AcceptPolicy.AUTO, 1, 3, Duration.ofSeconds(5),
        TlsEngineChoice.of(engine)), message -> {
        }, (question, timeout) -> Optional.empty()));
    assertTrue(failure.getMessage().contains("was revoked"), failure.getMessage());
  }

  private static String ask(TlsFactory payer, int port) throws IOException {
    try (SSLSocket socket = payer.connectToPeer("127.0.0.1", port, "bob", TIMEOUT_MILLIS)) {
      socket.setSoTimeout(TIMEOUT_MILLIS);
      socket.getOutputStream().write(Wire.encodeLine("alice#1#bob#ask-" + System.nanoTime()));
      socket.getOutputStream().flush();
      String line = LineReader.forReplies(socket.getInputStream()).readLine();
      if (line == null) {
        throw new IOException("closed without an answer");
      }
      return line;
    }
  }
}
