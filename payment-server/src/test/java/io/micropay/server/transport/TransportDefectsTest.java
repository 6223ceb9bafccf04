package io.micropay.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Defects of the TLS transport found in review (issue 16), each over real TLS on loopback. */
@Timeout(30)
class TransportDefectsTest {
  @TempDir
  Path directory;

  @Test
  void aRefusedLineStillEndsTheSessionWithOnClosedExactlyOnce() throws Exception {
    try (TransportHarness harness = new TransportHarness(directory, TransportHarness.limits());
        SSLSocket socket = harness.connect("alice")) {
      OutputStream out = socket.getOutputStream();
      BufferedReader in = reader(socket);
      out.write("first\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertEquals("echo first", in.readLine());
      harness.workers.refuse();
      // A line sent while the previous one's drain is still finishing runs without asking the
      // pool; the next that needs the pool is refused. Send until one is.
      for (int line = 0; line < 100; line++) {
        out.write("more\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        if (readOrNull(in) == null) {
          break;
        }
      }
      String reason = harness.nextCloseReason();
      assertNotNull(reason, "onClosed was never called after the pool refused work");
      assertEquals("the server is overloaded (worker queue full)", reason);
      assertEquals(1, harness.closedCalls.get());
      assertEquals(0, harness.server.openConnections());
    }
  }

  @Test
  void aReplyOwedAtAHalfCloseIsWrittenBeforeTheConnectionCloses() throws Exception {
    try (TransportHarness harness = new TransportHarness(directory, TransportHarness.limits())) {
      for (int round = 0; round < 20; round++) {
        try (SSLSocket socket = harness.connect("alice")) {
          harness.holdLines = new java.util.concurrent.CompletableFuture<>();
          java.util.concurrent.CompletableFuture<Void> commit = harness.holdLines;
          harness.reply = line -> null;
          OutputStream out = socket.getOutputStream();
          out.write("transfer\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          Connection connection = harness.nextConnection();
          socket.shutdownOutput();
          // The reply comes from the commit after the client's FIN (and close_notify) arrived.
          awaitLines(harness, round + 1);
          connection.send("Transfer OK!\n".getBytes(StandardCharsets.US_ASCII));
          commit.complete(null);
          assertEquals("Transfer OK!", reader(socket).readLine(), "round " + round);
          assertNotNull(harness.nextCloseReason());
        }
      }
    }
  }

  @Test
  void oneRecordOfBareLineFeedsQueuesNoMoreThanTheLineLimit() throws Exception {
    try (TransportHarness harness = new TransportHarness(directory, TransportHarness.limits());
        SSLSocket socket = harness.connect("alice")) {
      harness.reply = line -> null;
      java.util.concurrent.CompletableFuture<Void> firstLine =
          new java.util.concurrent.CompletableFuture<>();
      harness.holdLines = firstLine;
      LineConnection connection = (LineConnection) harness.nextConnection();
      OutputStream out = socket.getOutputStream();
      out.write("\n".repeat(16_000).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long deadline = System.nanoTime() + TransportHarness.TIMEOUT_MILLIS * 1_000_000L;
      while (connection.queuedLines() < 64) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the lines never queued up: " + connection.queuedLines());
        }
        Thread.onSpinWait();
      }
      harness.holdLines = null;
      firstLine.complete(null);
      awaitLines(harness, 16_000);
      assertEquals(16_000, harness.lines.size(), "every line is handled, none lost");
      // The connection's queue holds at most the 64 lines and, behind them, the one task that
      // resumes reading once they have drained (queuedLines counts both).
      assertTrue(harness.maxQueuedLines.get() <= 64 + 1,
          "at most 64 lines queued, saw " + harness.maxQueuedLines.get() + " tasks");
    }
  }

  @Test
  void aCertificatePastItsConnectionLimitIsRefusedAndCounted() throws Exception {
    try (TransportHarness harness = new TransportHarness(directory, TransportHarness.limits(2));
        SSLSocket first = harness.connect("alice");
        SSLSocket second = harness.connect("alice")) {
      harness.nextConnection();
      harness.nextConnection();
      try (SSLSocket third = harness.connect("alice")) {
        assertEquals(-1, third.getInputStream().read(), "the third connection is closed");
      } catch (java.io.IOException closed) {
        // Closed under the client's feet: refused as well.
      }
      assertEquals(1, harness.server.refusals("max_connections_per_certificate"));
      try (SSLSocket bob = harness.connect("bob")) {
        bob.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
        bob.getOutputStream().flush();
        assertEquals("echo hello", reader(bob).readLine(), "others are still served");
      }
      first.close();
      assertNotNull(harness.nextCloseReason());
      try (SSLSocket again = harness.connect("alice")) {
        again.getOutputStream().write("back\n".getBytes(StandardCharsets.US_ASCII));
        again.getOutputStream().flush();
        assertEquals("echo back", reader(again).readLine(), "a place freed is free again");
      }
    }
  }

  private static String readOrNull(BufferedReader in) {
    try {
      return in.readLine();
    } catch (java.io.IOException closed) {
      return null;
    }
  }

  private static void awaitLines(TransportHarness harness, int count) throws Exception {
    long deadline = System.nanoTime() + TransportHarness.TIMEOUT_MILLIS * 1_000_000L;
    while (harness.lines.size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the server did not receive line " + count + ", got "
            + harness.lines.size() + ", closed: " + harness.closeReasons);
      }
      Thread.onSpinWait();
    }
  }

  private static BufferedReader reader(SSLSocket socket) throws Exception {
    return new BufferedReader(new InputStreamReader(socket.getInputStream(),
        StandardCharsets.US_ASCII));
  }
}
