package io.micropay.pki.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.micropay.pki.tls.ClientHelloAlpn.Peek;
import io.micropay.pki.tls.ClientHelloAlpn.State;
import java.nio.ByteBuffer;
import java.security.Provider;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The ALPN names are read from the ClientHellos real clients send (the JDK's and BoringSSL's),
 * and a partial, altered or foreign first record never decides wrongly or throws.
 */
class ClientHelloAlpnTest {

  @ParameterizedTest
  @EnumSource(TlsEngine.class)
  void readsTheNamesEachEngineOffersInOrder(TlsEngine engine) throws Exception {
    List<String> offered = List.of("micropay/3", "micropay/2", "x");
    Peek peek = ClientHelloAlpn.peek(clientHello(engine, offered));
    assertEquals(State.READ, peek.state());
    assertEquals(offered, peek.offered());
  }

  @ParameterizedTest
  @EnumSource(TlsEngine.class)
  void aClientHelloWithoutAlpnOffersNothing(TlsEngine engine) throws Exception {
    Peek peek = ClientHelloAlpn.peek(clientHello(engine, List.of()));
    assertEquals(new Peek(State.READ, List.of()), peek);
  }

  @ParameterizedTest
  @EnumSource(TlsEngine.class)
  void everyShorterPrefixNeedsMoreAndNothingIsConsumed(TlsEngine engine) throws Exception {
    ByteBuffer hello = clientHello(engine, List.of("micropay/2"));
    for (int length = 0; length < hello.remaining(); length++) {
      ByteBuffer prefix = hello.duplicate().limit(hello.position() + length);
      assertEquals(State.NEED_MORE, ClientHelloAlpn.peek(prefix).state(), "prefix " + length);
      assertEquals(length, prefix.remaining());
    }
  }

  @ParameterizedTest
  @EnumSource(TlsEngine.class)
  void aLengthPointingPastItsRecordLeavesItToTheEngine(TlsEngine engine) throws Exception {
    byte[] hello = bytes(clientHello(engine, List.of("micropay/2")));
    Random random = new Random(7);
    // Any byte of the ClientHello changed: the reader either still reads it, or leaves it to
    // the engine; it never throws.
    for (int index = 9; index < hello.length; index++) {
      byte[] changed = hello.clone();
      changed[index] = (byte) random.nextInt(256);
      ClientHelloAlpn.peek(ByteBuffer.wrap(changed));
    }
    byte[] overlong = hello.clone();
    overlong[6] = (byte) 0x7f;
    assertEquals(State.UNDECIDED, ClientHelloAlpn.peek(ByteBuffer.wrap(overlong)).state());
  }

  @ParameterizedTest
  @EnumSource(TlsEngine.class)
  void aClientHelloFollowedByMoreIsStillRead(TlsEngine engine) throws Exception {
    byte[] hello = bytes(clientHello(engine, List.of("micropay/2")));
    byte[] withMore = Arrays.copyOf(hello, hello.length + 100);
    assertEquals(List.of("micropay/2"), ClientHelloAlpn.peek(ByteBuffer.wrap(withMore))
        .offered());
  }

  @org.junit.jupiter.api.Test
  void whatIsNotATlsHandshakeRecordIsLeftToTheEngine() {
    for (String text : List.of("GET / HTTP/1.1\r\n\r\n", "List\n", "\u0016\u0002\u0000\u0000\u0001x",
        "\u0016\u0003\u0003\u0040\u0001")) {
      Peek peek = ClientHelloAlpn.peek(ByteBuffer.wrap(text.getBytes(
          java.nio.charset.StandardCharsets.ISO_8859_1)));
      assertNotEquals(State.READ, peek.state(), text);
    }
    Random random = new Random(11);
    for (int round = 0; round < 10_000; round++) {
      byte[] noise = new byte[random.nextInt(300)];
      random.nextBytes(noise);
      ClientHelloAlpn.peek(ByteBuffer.wrap(noise));
    }
  }

  @org.junit.jupiter.api.Test
  void theRefusalIsAPlaintextFatalNoApplicationProtocolAlert() {
    assertArrayEquals(new byte[] {21, 3, 3, 0, 2, 2, 120},
        bytes(ClientHelloAlpn.noApplicationProtocolAlert()));
  }

  /** The first record a client engine of {@code engine} sends, offering {@code names}. */
  private static ByteBuffer clientHello(TlsEngine engine, List<String> names) throws Exception {
    Optional<Provider> provider = TlsEngineChoice.of(engine).provider();
    SSLContext context = provider.isPresent() ? SSLContext.getInstance("TLS", provider.get())
        : SSLContext.getInstance("TLS");
    context.init(null, null, null);
    SSLEngine client = context.createSSLEngine("localhost", 8700);
    client.setUseClientMode(true);
    SSLParameters parameters = client.getSSLParameters();
    parameters.setProtocols(TlsPolicy.PROTOCOLS.toArray(String[]::new));
    parameters.setApplicationProtocols(names.toArray(String[]::new));
    client.setSSLParameters(parameters);
    ByteBuffer out = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
    client.wrap(ByteBuffer.allocate(0), out);
    return out.flip();
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }
}
