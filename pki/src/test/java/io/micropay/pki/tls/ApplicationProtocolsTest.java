package io.micropay.pki.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.pki.TlsFactory;
import io.micropay.pki.testing.TestPki;
import io.micropay.pki.tls.HandshakeRecorder.Outcome;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ALPN through the TLS factory, over real loopback handshakes: the newest common name wins, a
 * client with no name of the family gets none (the original protocol), and a client asking only
 * for versions the server does not know is refused at the handshake, with a reason.
 */
@Timeout(60)
class ApplicationProtocolsTest {
  private static final int TIMEOUT_MILLIS = 5_000;
  private static final ApplicationProtocols SERVER =
      new ApplicationProtocols(List.of("micropay/2", "micropay/1"), "micropay/");

  @TempDir
  Path directory;

  private TestPki pki;

  @BeforeEach
  void makePki() {
    pki = TestPki.create(directory.resolve("ssl"));
  }

  @Test
  void selectionFollowsTheServersOrderAndTheFamily() {
    assertEquals("micropay/2", SERVER.select(List.of("micropay/1", "micropay/2"), "c"));
    assertEquals("micropay/1", SERVER.select(List.of("h2", "micropay/1"), "c"));
    assertEquals("", SERVER.select(List.of(), "c"));
    assertEquals("", SERVER.select(List.of("http/1.1", "h2"), "c"));
    assertNull(SERVER.select(List.of("micropay/3"), "c"));
    assertNull(SERVER.select(List.of("h2", "micropay/9"), "c"));
    assertEquals("", ApplicationProtocols.NONE.select(List.of("micropay/3"), "c"));
    assertThrows(IllegalArgumentException.class,
        () -> new ApplicationProtocols(List.of("h2"), "micropay/"));
  }

  @Test
  void aClientOfferingVersion2GetsItOnBothSides() throws Exception {
    assertEquals("micropay/2", handshake(SERVER));
  }

  @Test
  void aClientOfferingNothingGetsNoNameWhichIsVersion1() throws Exception {
    assertEquals("", handshake(ApplicationProtocols.NONE));
  }

  @Test
  void aClientOfferingOnlyAnotherFamilyGetsNoName() throws Exception {
    assertEquals("", handshake(new ApplicationProtocols(List.of("http/1.1"), "http/")));
  }

  @Test
  void aClientOfferingOnlyUnknownVersionsIsRefusedWithAReason() throws Exception {
    try (HandshakeRecorder server = new HandshakeRecorder(pki.serverTls(TIMEOUT_MILLIS,
        SERVER))) {
      TlsFactory client = pki.peerTls("alice", TIMEOUT_MILLIS,
          new ApplicationProtocols(List.of("micropay/3"), "micropay/"));
      IOException refused = assertThrows(IOException.class, () -> {
        try (SSLSocket socket = client.connectToServer("127.0.0.1", server.port(),
            TIMEOUT_MILLIS)) {
          socket.getInputStream().read();
        }
      });
      assertTrue(TlsFactory.describe(refused).contains("no common protocol version"),
          TlsFactory.describe(refused));
      Outcome outcome = server.next();
      assertFalse(outcome.succeeded());
      assertTrue(outcome.failure().contains("no common protocol version"), outcome.failure());
    }
  }

  /** The name both sides agreed on when a client offering {@code offered} connects. */
  private String handshake(ApplicationProtocols offered) throws Exception {
    try (HandshakeRecorder server = new HandshakeRecorder(pki.serverTls(TIMEOUT_MILLIS,
        SERVER));
        SSLSocket socket = pki.peerTls("alice", TIMEOUT_MILLIS, offered)
            .connectToServer("127.0.0.1", server.port(), TIMEOUT_MILLIS)) {
      Outcome outcome = server.next();
      assertTrue(outcome.succeeded(), outcome.failure());
      assertEquals(outcome.protocol(), TlsFactory.negotiatedProtocol(socket));
      return outcome.protocol();
    }
  }
}
