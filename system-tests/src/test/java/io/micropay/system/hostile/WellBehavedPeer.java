package io.micropay.system.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micropay.server.TestServer;
import io.micropay.testing.ProtocolClient;
import java.io.IOException;
import java.time.Duration;

/**
 * The yardstick of the resource-exhaustion tests: a peer that registers, logs in, lists and
 * settles a transfer, timed from its first connect to its last reply. A well-behaved peer that
 * meets {@code 240 BUSY} backs off briefly and tries again, within the same time budget.
 */
final class WellBehavedPeer {
  /** What the issue promises: the whole conversation within two seconds. */
  static final Duration BUDGET = Duration.ofSeconds(2);
  private static final long BUSY_BACKOFF_MILLIS = 20;

  private WellBehavedPeer() {
  }

  /** Runs the conversation as {@code name}, paying {@code payee} 1; returns how long it took. */
  static Duration converse(TestServer server, String name, String payee) throws IOException {
    long start = System.nanoTime();
    long deadline = start + BUDGET.toNanos();
    while (true) {
      try (ProtocolClient client = server.connect(name)) {
        String first = client.request("REGISTER#" + name);
        if ("240 BUSY".equals(first)) {
          backOff(deadline);
          continue;
        }
        assertEquals("100 OK", first);
        client.send(name + "#6000");
        client.onlineList();
        client.list();
        assertEquals("Transfer OK!", client.request(name + "#1#" + payee));
        return Duration.ofNanos(System.nanoTime() - start);
      }
    }
  }

  /**
   * The same conversation on a connection the peer already holds: what it can still do while
   * the server turns every newcomer away at its session limit.
   */
  static Duration converse(ProtocolClient client, String name, String payee)
      throws IOException {
    long start = System.nanoTime();
    assertEquals("100 OK", client.request("REGISTER#" + name));
    client.send(name + "#6000");
    client.onlineList();
    client.list();
    assertEquals("Transfer OK!", client.request(name + "#1#" + payee));
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static void backOff(long deadline) throws IOException {
    if (System.nanoTime() > deadline) {
      throw new IOException("still 240 BUSY after " + BUDGET.toMillis() + " ms");
    }
    try {
      Thread.sleep(BUSY_BACKOFF_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
