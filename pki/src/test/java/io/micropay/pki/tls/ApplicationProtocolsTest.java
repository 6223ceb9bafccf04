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
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ALPN through the TLS factory, over real loopback handshakes on each engine: the newest common
 * name wins, a client with no name of the family gets none (the original protocol), and a client
 * asking only for versions the server does not know is refused, with a reason.
 */
@Timeout(60)
@ParameterizedClass
@EnumSource(TlsEngine.class)
class ApplicationProtocolsTest {
  private static final int TIMEOUT_MILLIS = 5_000;
  private static final ApplicationProtocols SERVER =
      new ApplicationProtocols(List.of("micropay/2", "micropay/1"), "micropay/");

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

  /**
   * On a blocking server socket the JDK's engine refuses at the handshake with the
   * no_application_protocol alert. BoringSSL's cannot fail a handshake from its ALPN selector, and
   * a server socket cannot read the ClientHello before it (the payment server's transport can,
   * and sends the alert on both engines: OpensslClientTest): the handshake completes and the
   * server closes the connection at once, before a byte of the protocol, with the same reason.
   */
  @Test
  void aClientOfferingOnlyUnknownVersionsIsRefusedWithAReason() throws Exception {
    try (HandshakeRecorder server = new HandshakeRecorder(pki.serverTls(TIMEOUT_MILLIS,
        SERVER))) {
      TlsFactory client = pki.peerTls("alice", TIMEOUT_MILLIS,
          new ApplicationProtocols(List.of("micropay/3"), "micropay/"));
      if (engine == TlsEngine.JDK) {
        IOException refused = assertThrows(IOException.class, () -> {
          try (SSLSocket socket = client.connectToServer("127.0.0.1", server.port(),
              TIMEOUT_MILLIS)) {
            socket.getInputStream().read();
          }
        });
        assertTrue(TlsFactory.describe(refused).contains("no common protocol version"),
            TlsFactory.describe(refused));
      } else {
        try (SSLSocket socket = client.connectToServer("127.0.0.1", server.port(),
            TIMEOUT_MILLIS)) {
          assertEquals("", TlsFactory.negotiatedProtocol(socket));
          assertEquals(-1, socket.getInputStream().read());
        }
      }
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
