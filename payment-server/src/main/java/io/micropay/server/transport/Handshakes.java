package io.micropay.server.transport;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLSession;

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

  /**
   * Whether the handshake resumed an earlier TLS session: a resumed session keeps its creation
   * time, which is then older than the connection that started at {@code startedMillis}.
   */
  static boolean resumed(SSLSession session, long startedMillis) {
    return session.getCreationTime() < startedMillis;
  }

  /** The ALPN name the handshake agreed on, or the empty string for none. */
  static String agreedProtocol(SSLEngine engine) {
    String agreed = engine.getApplicationProtocol();
    return agreed == null ? "" : agreed;
  }
}
