package io.micropay.peer.net;

import java.io.Closeable;
import java.io.IOException;

/** What the peer's connections share when they end. */
final class Sockets {
  private Sockets() {
  }

  /**
   * Closes {@code socket}, ignoring a failure: every caller is ending the connection (a payee's
   * kept link, a payer turned away, the server session), and the other side sees it end either
   * way.
   */
  static void closeQuietly(Closeable socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Nothing more to do: the connection is gone or going.
    }
  }
}
