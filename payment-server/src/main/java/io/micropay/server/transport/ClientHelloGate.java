package io.micropay.server.transport;

import io.micropay.pki.tls.ClientHelloAlpn;
import io.micropay.pki.tls.ClientHelloVerdict;
import io.micropay.pki.tls.HandshakeFailures;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;

/**
 * Stands before a server engine until the client's first record has been read: an offer of only
 * micropay versions the server does not speak is refused with the no_application_protocol alert
 * (PROTOCOL.md section 7), which BoringSSL's engine cannot send from its ALPN selector; anything
 * else goes on to the engine. Loop thread only.
 */
final class ClientHelloGate {
  /** What the server does with the bytes of a client's first record, read before the engine. */
  @FunctionalInterface
  interface Screen {
    /** The screen of a server that refuses nobody before its engine. */
    Screen NONE = (engine, received) -> ClientHelloVerdict.PROCEED;

    /** See {@link io.micropay.pki.tls.ServerEngines#screenClientHello}. */
    ClientHelloVerdict screen(SSLEngine engine, ByteBuffer received);
  }

  /** The line for a client refused here, as the engine's own refusal would read. */
  static final String REFUSAL =
      HandshakeFailures.describe(new SSLHandshakeException("no_application_protocol"));

  private final SSLEngine engine;
  private final Screen screen;
  private ClientHelloVerdict verdict = ClientHelloVerdict.NEED_MORE;

  /** A gate before {@code engine}. */
  ClientHelloGate(SSLEngine engine, Screen screen) {
    this.engine = engine;
    this.screen = screen;
  }

  /**
   * Whether the engine may have the client's bytes. Until it may, reads what {@code records}
   * received, once the first record is whole: passes it, or sends the alert (the connection is
   * then to be closed, {@link #refused}).
   */
  boolean check(RecordBuffers records) {
    if (verdict == ClientHelloVerdict.NEED_MORE) {
      verdict = screen.screen(engine, records.received());
      if (verdict == ClientHelloVerdict.REFUSE) {
        records.refuse(ClientHelloAlpn.noApplicationProtocolAlert());
      }
    }
    return verdict == ClientHelloVerdict.PROCEED;
  }

  /** Whether the client was refused here. */
  boolean refused() {
    return verdict == ClientHelloVerdict.REFUSE;
  }
}
