package io.micropay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.protocol.OnlineList;
import io.micropay.server.ledger.AuditReport;
import io.micropay.testing.Background;
import io.micropay.testing.ProtocolClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Protocol version 2 (ALPN {@code micropay/2}) against a real server: the added requests, and the
 * line that says why the server ends a session, next to version 1, which stays as it was.
 */
@Timeout(60)
class ServerVersion2Test {
  private static final String ID = "0123abcd-0000-4000-8000-00000000abcd";
  private static final int NOTICE_WAIT_MILLIS = 10_000;

  @TempDir
  Path directory;

  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      AuditReport report = server.server().ledger().audit();
      server.close();
      assertTrue(report.balanced(), report.describe());
    }
  }

  @Test
  void version2IsNegotiatedAndAnswersPingAndLimits() throws Exception {
    server = TestServer.start(directory, settings -> settings.withMaxDeposit(5_000));
    try (ProtocolClient alice = server.connectVersion2("alice");
        ProtocolClient old = server.connect("bob")) {
      assertEquals("micropay/2", alice.applicationProtocol());
      alice.expect("PING", "PONG");
      alice.expect("LIMITS", "LIMITS#300000#5000");
      assertEquals("", old.applicationProtocol());
      old.expect("PING", "230 Input format error");
      old.expect("LIMITS", "230 Input format error");
    }
  }

  @Test
  void aLookupTellsThePayerAndThePayeeButNobodyElse() throws Exception {
    server = TestServer.start(directory);
    try (ProtocolClient alice = server.online("alice", 6000);
        ProtocolClient bob = server.online("bob", 6001);
        ProtocolClient carol = server.online("carol", 6002);
        ProtocolClient bobV2 = server.connectVersion2("bob");
        ProtocolClient carolV2 = server.connectVersion2("carol")) {
      bobV2.expect("LOOKUP#alice#" + ID, "NOT_SETTLED#alice#" + ID);
      alice.expect("alice#300#bob#" + ID, "Transfer OK!");
      bobV2.expect("LOOKUP#alice#" + ID, "SETTLED#alice#300#bob#" + ID);
      carolV2.expect("LOOKUP#alice#" + ID, "NOT_SETTLED#alice#" + ID);
      bobV2.expect("LOOKUP#bob#" + ID, "NOT_SETTLED#bob#" + ID);
      bob.expect("LOOKUP#alice#" + ID, "230 Input format error");
    }
  }

  @Test
  void aReplacedVersion2SessionIsToldWhoReplacedIt() throws Exception {
    server = TestServer.start(directory);
    try (ProtocolClient first = server.connectVersion2("alice")) {
      first.expect("REGISTER#alice", "100 OK");
      first.send("alice#6000");
      first.onlineList();
      try (ProtocolClient second = server.login("alice", 6100)) {
        assertEquals("CLOSING#REPLACED#127.0.0.1#6100", first.readLine(NOTICE_WAIT_MILLIS));
        assertTrue(first.isClosedByServer());
        assertEquals(1, second.list().entries().size());
      }
    }
  }

  @Test
  void aReplacedVersion1SessionIsClosedWithoutAWord() throws Exception {
    server = TestServer.start(directory);
    try (ProtocolClient first = server.online("alice", 6000);
        ProtocolClient second = server.login("alice", 6100)) {
      assertNull(first.readLine(NOTICE_WAIT_MILLIS));
    }
  }

  @Test
  void nothingAReplacedSessionQueuedSettlesAfterTheNewerLoginIsAnswered() throws Exception {
    server = TestServer.start(directory);
    int transfers = 300;
    try (ProtocolClient bob = server.online("bob", 6001);
        ProtocolClient first = server.online("alice", 6000)) {
      StringBuilder pipelined = new StringBuilder();
      for (int i = 0; i < transfers; i++) {
        pipelined.append("alice#1#bob#pipelined-").append(i).append("\r\n");
      }
      first.sendRaw(pipelined.toString().getBytes(StandardCharsets.US_ASCII));
      first.readLine();
      try (ProtocolClient second = server.connect("alice")) {
        second.send("alice#6100");
        long balanceWhenAnswered = second.onlineList().balanceUnits();
        int answered = 1;
        while (first.readLineOrNull() != null) {
          answered++;
        }
        // The transfer in flight at the replacement may still commit; nothing queued after it.
        long settledAfter = balanceWhenAnswered - server.server().ledger().balance("alice")
            .orElseThrow();
        assertTrue(settledAfter == 0 || settledAfter == 1,
            settledAfter + " transfers settled after the newer login was answered");
        assertTrue(10_000 - balanceWhenAnswered < transfers,
            "the replacement came before every queued transfer ran");
        assertTrue(answered <= 10_000 - balanceWhenAnswered + 1,
            answered + " replies for " + (10_000 - balanceWhenAnswered) + " settled");
      }
    }
  }

  @Test
  void anIdleVersion2SessionIsToldWhyAndAPingingOneStays() throws Exception {
    server = TestServer.start(directory, settings -> settings.withIdleTimeout(
        Duration.ofSeconds(2)));
    try (ProtocolClient quiet = server.online("alice", 6000);
        ProtocolClient pinging = server.connectVersion2("bob")) {
      pinging.expect("REGISTER#bob", "100 OK");
      try (ProtocolClient quietV2 = server.connectVersion2("carol")) {
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < until) {
          pinging.expect("PING", "PONG");
          Thread.sleep(500);
        }
        assertEquals("CLOSING#IDLE#2000", quietV2.readLine(NOTICE_WAIT_MILLIS));
        assertTrue(quietV2.isClosedByServer());
        assertNull(quiet.readLine(NOTICE_WAIT_MILLIS), "version 1: closed without a word");
        pinging.expect("PING", "PONG");
      }
    }
  }

  @Test
  void aRevokedVersion2SessionIsToldSo() throws Exception {
    server = TestServer.start(directory);
    try (ProtocolClient alice = server.connectVersion2("alice")) {
      alice.expect("REGISTER#alice", "100 OK");
      alice.send("alice#6000");
      alice.onlineList();
      server.pki().revoke("alice");
      assertEquals("CLOSING#REVOKED", alice.readLine(NOTICE_WAIT_MILLIS));
      assertTrue(alice.isClosedByServer());
    }
  }

  @Test
  void aShutdownSaysWhy() throws Exception {
    TestServer stopping = TestServer.start(directory);
    try (ProtocolClient alice = stopping.connectVersion2("alice")) {
      alice.expect("REGISTER#alice", "100 OK");
      alice.send("alice#6000");
      OnlineList list = alice.onlineList();
      assertEquals(10_000, list.balanceUnits());
      alice.expect("DEPOSIT#alice#5", "DEPOSIT OK");
      CompletableFuture<Boolean> closed = Background.supply("server close", () -> {
        stopping.close();
        return true;
      });
      assertEquals("CLOSING#SHUTDOWN", alice.readLine(NOTICE_WAIT_MILLIS));
      assertTrue(alice.isClosedByServer());
      closed.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
