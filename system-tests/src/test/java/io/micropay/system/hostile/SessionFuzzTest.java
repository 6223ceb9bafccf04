package io.micropay.system.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.micropay.protocol.LineReader;
import io.micropay.protocol.ParsedRequest;
import io.micropay.protocol.Printable;
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
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random and mutated request lines, thrown at the codec and at a live session over TLS, each
 * judged by {@link SpecOracle}, a reading of PROTOCOL.md and docs/protocol.md that shares no code
 * with the product. The codec must take each line for what the documents say it is and reject
 * the malformed ones with their reply; the live server must answer every line, malformed or not,
 * as the documents say it must to an unregistered stranger; no exception escapes and nothing in
 * the ledger changes. The number of lines is {@code -Dmicropay.fuzz.lines} (default 20,000;
 * {@code make fuzz} runs 1,000,000).
 */
@Timeout(1800)
class SessionFuzzTest {
  private static final long LINES = Long.getLong("micropay.fuzz.lines", 20_000);
  private static final long SEED = Long.getLong("micropay.fuzz.seed", 20261124L);
  private static final String FUZZER = "fuzzer";
  /** Put after the last expected reply by the writer. */
  private static final String END = "end of the fuzz lines";

  @TempDir
  Path directory;

  @Test
  void theCodecJudgesEveryLineAsTheSpecificationDoes() {
    FuzzLines lines = new FuzzLines(SEED);
    long valid = 0;
    for (long i = 0; i < LINES; i++) {
      String line = lines.next();
      SpecOracle.Verdict verdict = SpecOracle.judge(line);
      ParsedRequest parsed = RequestParser.parse(line);
      String what = "line " + i + " '" + Printable.of(line) + "'";
      assertEquals(verdict.isMalformed(), parsed.isRejected(), what + ": " + verdict.kind()
          + (parsed.isRejected() ? ", the codec rejects it: " + parsed.reason() : ""));
      if (parsed.isRejected()) {
        assertEquals(verdict.reply(), parsed.reply().wire(), what);
      } else {
        valid++;
        assertEquals(parsed.request(), RequestParser.parse(parsed.request().format()).request());
      }
    }
    Figures.report("codec lines fuzzed", LINES, valid + " were valid requests, every verdict "
        + "as the specification's; seed " + SEED);
  }

  @Test
  void aLiveSessionAnswersEveryLineAsTheSpecificationSaysAndChangesNothing()
      throws Exception {
    try (TestServer server = TestServer.start(directory, settings -> settings
        .withVerbosity(Verbosity.EVENTS))) {
      server.online("alice", 6000).close();
      server.online("bob", 6001).close();
      List<AccountBalance> before = server.server().ledger().accounts();
      AuditReport auditBefore = server.server().ledger().audit();
      SSLSocket socket = server.pki().peerTls(FUZZER, TestServer.TIMEOUT_MILLIS)
          .connectToServer("127.0.0.1", server.port(), TestServer.TIMEOUT_MILLIS);
      socket.setSoTimeout(60_000);
      BlockingQueue<String> expected = new ArrayBlockingQueue<>(100_000);
      CompletableFuture<Long> sent = Background.supply("fuzz writer",
          () -> send(socket, expected));
      LineReader replies = LineReader.forReplies(socket.getInputStream());
      long checked = 0;
      for (String want = expected.poll(60, TimeUnit.SECONDS); !END.equals(want);
          want = expected.poll(60, TimeUnit.SECONDS)) {
        assertNotNull(want, "the writer stopped after " + checked + " replies");
        assertEquals(want, replies.readLine(), "reply " + checked);
        checked++;
      }
      assertEquals(LINES, sent.get(60, TimeUnit.SECONDS));
      socket.getOutputStream().write("Exit\r\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals("Bye", replies.readLine());
      socket.close();
      assertEquals(before, server.server().ledger().accounts(), "no state change");
      assertEquals(auditBefore.journalRows(), server.server().ledger().audit().journalRows());
      assertFalse(server.server().ledger().balance(FUZZER).isPresent());
      Figures.report("live session lines fuzzed", LINES, checked + " replies, every one as the "
          + "specification says; ledger unchanged; seed " + SEED);
    }
  }

  /**
   * Writes fuzz lines, each with CRLF, and queues the replies the specification says they are
   * owed (a line with a LF in it is two lines on the wire), then {@link #END}. Skips the lines
   * that would register the fuzzer or end the session.
   */
  private static long send(SSLSocket socket, BlockingQueue<String> expected) {
    FuzzLines lines = new FuzzLines(SEED);
    List<byte[]> batch = new ArrayList<>();
    long count = 0;
    try {
      OutputStream out = socket.getOutputStream();
      while (count < LINES) {
        String bytes = lines.next() + "\r\n";
        List<String> replies = SpecOracle.repliesToStranger(bytes, FUZZER);
        if (replies == null) {
          continue; // It would change the state that the expected replies assume.
        }
        for (String reply : replies) {
          expected.put(reply);
        }
        batch.add(bytes.getBytes(StandardCharsets.ISO_8859_1));
        count++;
        if (batch.size() == 64 || count == LINES) {
          for (byte[] line : batch) {
            out.write(line);
          }
          out.flush();
          batch.clear();
        }
      }
      expected.put(END);
      return count;
    } catch (Exception e) {
      throw new IllegalStateException("sending fuzz lines failed after " + count, e);
    }
  }
}
