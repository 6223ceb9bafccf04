package io.micropay.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

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
      out.write("second\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
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

  private static void awaitLines(TransportHarness harness, int count) throws Exception {
    long deadline = System.nanoTime() + TransportHarness.TIMEOUT_MILLIS * 1_000_000L;
    while (harness.lines.size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the server did not receive line " + count);
      }
      Thread.onSpinWait();
    }
  }

  private static BufferedReader reader(SSLSocket socket) throws Exception {
    return new BufferedReader(new InputStreamReader(socket.getInputStream(),
        StandardCharsets.US_ASCII));
  }
}
