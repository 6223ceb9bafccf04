package io.micropay.server.transport;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

/** What a server engine's handshake came to, read the same way for every engine. */
final class Handshakes {
  private Handshakes() {
  }

  /**
   * Whether {@code result} finished the handshake: the engine says FINISHED or, for an engine
   * that does not, no longer handshakes after a step that did not close (the driver begins the
   * handshake at once, so before it finishes the engine is always handshaking).
   */
  static boolean finished(SSLEngineResult result) {
    HandshakeStatus status = result.getHandshakeStatus();
    return result.getStatus() != SSLEngineResult.Status.CLOSED
        && (status == HandshakeStatus.FINISHED || status == HandshakeStatus.NOT_HANDSHAKING);
  }

  /** The ALPN name the handshake agreed on, or the empty string for none. */
  static String agreedProtocol(SSLEngine engine) {
    String agreed = engine.getApplicationProtocol();
    return agreed == null ? "" : agreed;
  }
}
