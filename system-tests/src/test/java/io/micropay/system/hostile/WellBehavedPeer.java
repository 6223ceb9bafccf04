package io.micropay.system.hostile;

import io.micropay.testing.ProtocolClient;
import java.io.IOException;
import java.time.Duration;

/**
 * The yardstick of the resource-exhaustion tests: a peer that registers, logs in, lists and
 * settles a transfer. Each reply must be the right one and come within the client's read
 * timeout. Its time, from connect to last reply, is reported and not asserted: a limit on it would
 * measure the machine the test runs on; what the tests assert is that the peer is served while
 * the attack is still fully in place, which they count.
 */
final class WellBehavedPeer {
  /** Opens the peer's connection. */
  interface Connection {
    ProtocolClient open() throws IOException;
  }

  private WellBehavedPeer() {
  }

  /** Connects and runs the conversation as {@code name}, paying {@code payee} 1; its time. */
  static Duration converse(Connection connection, String name, String payee) throws IOException {
    long start = System.nanoTime();
    try (ProtocolClient client = connection.open()) {
      talk(client, name, payee);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /**
   * The same conversation on a connection the peer already holds: what it can still do while
   * the server turns every newcomer away at its session limit.
   */
  static Duration converse(ProtocolClient client, String name, String payee)
      throws IOException {
    long start = System.nanoTime();
    talk(client, name, payee);
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static void talk(ProtocolClient client, String name, String payee) throws IOException {
    client.register(name);
    client.login(name, 6000);
    client.list();
    client.expect(name + "#1#" + payee, "Transfer OK!");
  }
}
