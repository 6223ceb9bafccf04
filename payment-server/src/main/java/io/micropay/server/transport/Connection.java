package io.micropay.server.transport;

import io.micropay.pki.PeerIdentity;
import java.net.InetAddress;

/**
 * One authenticated TLS connection as the session layer sees it. Every method may be called from
 * any thread; the bytes of successive {@code send} calls go out in call order.
 */
public interface Connection {
  /** A number unique within this server's run, for logs. */
  long id();

  /** The address the client connected from. */
  InetAddress remoteAddress();

  /** Who the client is, from its certificate. */
  PeerIdentity identity();

  /** The TLS ALPN name the handshake agreed on; empty when none was. */
  String applicationProtocol();

  /**
   * Runs {@code task} on a worker once every line received so far has been handled, in this
   * connection's order (a graceful end: what the client asked before is answered first).
   */
  void afterPending(Runnable task);

  /** Queues {@code bytes} for sending. */
  void send(byte[] bytes);

  /** Queues {@code bytes}, then ends TLS properly (close_notify) and closes the connection. */
  void sendAndClose(byte[] bytes);

  /** Closes the connection without waiting for queued bytes. */
  void close(String reason);
}
