package io.micropay.server.transport;

import io.micropay.pki.tls.HandshakeFailure;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLEngine;

/**
 * What the layer above a {@link TlsDriver} does with the connection's bytes: the line connection
 * in the server, a recorder in tests. Called on the loop's thread only.
 */
interface TlsListener {
  /**
   * {@code engine} finished the handshake ({@code applicationProtocol}: the ALPN name agreed,
   * empty for none). Throws when the client is refused all the same (a resumed session whose
   * certificate was revoked since, an ALPN offer the engine went on with): the handshake then
   * counts as failed and the connection closes.
   */
  void handshakeFinished(SSLEngine engine, String applicationProtocol) throws SSLException;

  /** The connection is open for application data, right after {@link #handshakeFinished}. */
  void opened();

  /** Whether to decrypt and read more input now; asked before each step that would. */
  boolean wantsInput();

  /** Decrypted bytes; all of them are taken before the call returns. */
  void received(ByteBuffer plaintext);

  /** No more input will come (the client's FIN or close_notify); called once, when open. */
  void inputEnded(String reason);

  /** The plaintext to encrypt next, or null when none waits. */
  ByteBuffer nextOutput();

  /** The engine took {@code bytes} of {@link #nextOutput}'s buffer. */
  void outputTaken(int bytes);

  /** The connection is closed and the engine released; called once, last. */
  void closed(String reason, boolean duringHandshake, HandshakeFailure.Reason failure);
}
