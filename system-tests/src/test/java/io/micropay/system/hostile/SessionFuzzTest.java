package io.micropay.system.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.protocol.LineReader;
import io.micropay.protocol.ParsedRequest;
import io.micropay.protocol.Reply;
import io.micropay.protocol.RequestParser;
import io.micropay.server.TestServer;
import io.micropay.server.Verbosity;
import io.micropay.server.ledger.AccountBalance;
import io.micropay.server.ledger.AuditReport;
import io.micropay.testing.Background;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random and mutated request lines, thrown at the codec and at a live session over TLS. No
 * exception escapes, every reply is one of the protocol's, the live server answers each malformed
 * line exactly as the codec says it must, and nothing in the ledger changes. The number of lines
 * is {@code -Dmicropay.fuzz.lines} (default 20,000; {@code make fuzz} runs 1,000,000).
 */
@Timeout(1800)
class SessionFuzzTest {
  private static final long LINES = Long.getLong("micropay.fuzz.lines", 20_000);
  private static final long SEED = Long.getLong("micropay.fuzz.seed", 20261124L);
  private static final Set<Reply> REJECTIONS =
      EnumSet.of(Reply.FORMAT_ERROR, Reply.FAIL, Reply.DEPOSIT_FAIL);

  @TempDir
  Path directory;

  @Test
  void theCodecNeverThrowsAndAlwaysAnswersWithAProtocolReply() {
    FuzzLines lines = new FuzzLines(SEED);
    long valid = 0;
    for (long i = 0; i < LINES; i++) {
      String line = lines.next();
      ParsedRequest parsed = RequestParser.parse(line);
      if (parsed.isRejected()) {
        assertTrue(REJECTIONS.contains(parsed.reply()), line);
      } else {
        valid++;
        assertEquals(parsed.request(), RequestParser.parse(parsed.request().format()).request());
      }
    }
    Figures.report("codec lines fuzzed", LINES, valid + " were valid requests, seed " + SEED);
  }

  @Test
  void aLiveSessionAnswersEveryMalformedLineAsTheCodecSaysAndChangesNothing()
      throws Exception {
    try (TestServer server = TestServer.start(directory, settings -> settings
        .withVerbosity(Verbosity.EVENTS))) {
      server.online("alice", 6000).close();
      server.online("bob", 6001).close();
      List<AccountBalance> before = server.server().ledger().accounts();
      AuditReport auditBefore = server.server().ledger().audit();
      SSLSocket socket = server.pki().peerTls("fuzzer", TestServer.TIMEOUT_MILLIS)
          .connectToServer("127.0.0.1", server.port(), TestServer.TIMEOUT_MILLIS);
      socket.setSoTimeout(60_000);
      BlockingQueue<String> expected = new ArrayBlockingQueue<>(100_000);
      CompletableFuture<Long> sent = Background.supply("fuzz writer",
          () -> send(socket, expected));
      LineReader replies = LineReader.forReplies(socket.getInputStream());
      long checked = 0;
      for (; checked < LINES; checked++) {
        String want = expected.poll(60, TimeUnit.SECONDS);
        if (want == null) {
          break;
        }
        assertEquals(want, replies.readLine(), "reply " + checked);
      }
      assertEquals(LINES, checked);
      assertEquals(LINES, sent.get(60, TimeUnit.SECONDS));
      socket.getOutputStream().write("Exit\r\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals("Bye", replies.readLine());
      socket.close();
      assertEquals(before, server.server().ledger().accounts(), "no state change");
      assertEquals(auditBefore.journalRows(), server.server().ledger().audit().journalRows());
      assertFalse(server.server().ledger().balance("fuzzer").isPresent());
      Figures.report("live session lines fuzzed", LINES, "every reply as the codec says; "
          + "ledger unchanged; seed " + SEED);
    }
  }

  /** Writes malformed lines only, each with CRLF; queues the reply the codec expects for it. */
  private static long send(SSLSocket socket, BlockingQueue<String> expected) {
    FuzzLines lines = new FuzzLines(SEED);
    List<byte[]> batch = new ArrayList<>();
    long count = 0;
    try {
      OutputStream out = socket.getOutputStream();
      while (count < LINES) {
        String line = lines.next();
        if (line.indexOf('\n') >= 0 || line.endsWith("\r")) {
          continue; // The framer would split or trim it into another line than the one judged.
        }
        ParsedRequest parsed = RequestParser.parse(line);
        if (!parsed.isRejected()) {
          continue; // Valid requests change state; this test is about the malformed ones.
        }
        expected.put(parsed.reply().wire());
        batch.add((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        count++;
        if (batch.size() == 64 || count == LINES) {
          for (byte[] bytes : batch) {
            out.write(bytes);
          }
          out.flush();
          batch.clear();
        }
      }
      return count;
    } catch (Exception e) {
      throw new IllegalStateException("sending fuzz lines failed after " + count, e);
    }
  }
}
