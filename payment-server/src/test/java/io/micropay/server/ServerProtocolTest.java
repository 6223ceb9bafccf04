package io.micropay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.pki.TlsFactory;
import io.micropay.protocol.OnlineEntry;
import io.micropay.protocol.OnlineList;
import io.micropay.server.ledger.AuditReport;
import io.micropay.testing.Await;
import io.micropay.testing.ProtocolClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protocol of PROTOCOL.md section 4 against a real server over loopback TLS, with a real
 * Derby ledger in a temporary folder.
 */
@Timeout(60)
class ServerProtocolTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

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
  void registerLoginListTransferDepositExit() throws Exception {
    server = TestServer.start(directory);
    try (ProtocolClient bob = server.online("bob", 6001);
        ProtocolClient alice = server.connect("alice")) {
      alice.expect("REGISTER#alice", "100 OK");
      alice.send("alice#6000");
      OnlineList list = alice.onlineList();
      assertEquals(10_000, list.balanceUnits());
      assertEquals(List.of(new OnlineEntry("alice", "127.0.0.1", 6000),
          new OnlineEntry("bob", "127.0.0.1", 6001)), list.entries());
      assertEquals(Base64.getEncoder().encodeToString(
          server.server().tls().certificate().getPublicKey().getEncoded()),
          list.serverPublicKeyBase64());
      alice.expect("alice#300#bob#0123abcd-0000-4000-8000-00000000abcd", "Transfer OK!");
      alice.expect("DEPOSIT#alice#50", "DEPOSIT OK");
      assertEquals(9_750, alice.list().balanceUnits());
      assertEquals(10_300, bob.list().balanceUnits());
      alice.expect("Exit", "Bye");
      assertTrue(alice.isClosedByServer());
      Await.until("alice offline", WAIT, () -> server.server().onlineAccounts() == 1);
      assertEquals(List.of("bob"), bob.list().entries().stream().map(OnlineEntry::name).toList());
    }
  }

  @Test
  void aRequestTheLedgerCannotServeClosesTheConnectionInsteadOfLeavingTheClientWaiting()
      throws Exception {
    try (TestServer broken = TestServer.start(directory);
        ProtocolClient alice = broken.connect("alice")) {
      broken.server().ledger().close();
      alice.send("REGISTER#alice");
      assertTrue(alice.isClosedByServer(), "no reply would be true, so the server closes");
    }
  }

  @Test
  void aMessageNamingAnotherAccountThanTheCertificateIsRefused() throws Exception {
    server = TestServer.start(directory);
    try (ProtocolClient bob = server.online("bob", 6001);
        ProtocolClient mallory = server.connect("mallory")) {
      mallory.expect("REGISTER#bob", "210 FAIL");
      mallory.expect("REGISTER#alice", "210 FAIL");
      mallory.expect("bob#6666", "220 AUTH_FAIL");
      mallory.expect("DEPOSIT#bob#50", "DEPOSIT FAIL");
      mallory.expect("REGISTER#mallory", "100 OK");
      mallory.expect("alice#6666", "220 AUTH_FAIL");
      assertEquals(OptionalLong.empty(), server.server().ledger().balance("alice"));
      assertEquals(OptionalLong.of(10_000), server.server().ledger().balance("bob"));
    }
  }

  @Test
  void commandsBeforeLoginAreAuthFail() throws Exception {
    server = TestServer.start(directory);
    try (ProtocolClient alice = server.connect("alice")) {
      alice.expect("List", "220 AUTH_FAIL");
      alice.expect("alice#6000", "220 AUTH_FAIL");
      alice.expect("REGISTER#alice", "100 OK");
      alice.expect("List", "220 AUTH_FAIL");
      alice.expect("alice#5#bob", "Transfer Fail! NOT_LOGGED_IN");
      alice.expect("REGISTER#alice", "210 FAIL");
    }
  }

  @Test
  void unknownTextIs230AndTheSessionContinues() throws Exception {
    server = TestServer.start(directory);
    try (ProtocolClient alice = server.connect("alice")) {
      alice.expect("hello", "230 Input format error");
      alice.expect("list", "230 Input format error");
      alice.expect("alice#5#bob#bad id", "230 Input format error");
      alice.sendRaw(new byte[] {'L', 'i', 0, 's', 't', '\n'});
      assertEquals("230 Input format error", alice.readLine());
      alice.sendRaw("REGISTER#al\u00e9ce\r\n".getBytes(StandardCharsets.ISO_8859_1));
      assertEquals("230 Input format error", alice.readLine());
      alice.expect("REGISTER#alice", "100 OK");
    }
  }

  @Test
  void aLineOfExactly1024BytesIsReadAndOneMoreIs230AndClose() throws Exception {
    server = TestServer.start(directory);
    try (ProtocolClient alice = server.connect("alice")) {
      String atLimit = "x".repeat(1022);
      alice.sendRaw((atLimit + "\r\n").getBytes(StandardCharsets.US_ASCII));
      assertEquals("230 Input format error", alice.readLine(), "unknown, but within the limit");
      alice.expect("REGISTER#alice", "100 OK");
      alice.sendRaw(("y".repeat(1023) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      assertEquals("230 Input format error", alice.readLine());
      assertTrue(alice.isClosedByServer());
    }
  }

  @Test
  void oneSessionPastTheLimitGets240BusyAndChangesNothing() throws Exception {
    server = TestServer.start(directory, settings -> settings.withMaxSessions(2));
    try (ProtocolClient alice = server.online("alice", 6000);
        ProtocolClient bob = server.online("bob", 6001);
        ProtocolClient carol = server.connect("carol")) {
      assertEquals("240 BUSY", carol.readLine());
      assertTrue(carol.isClosedByServer());
      assertEquals(OptionalLong.empty(), server.server().ledger().balance("carol"));
      alice.close();
      Await.until("a free session", WAIT, () -> server.server().activeSessions() == 1);
      try (ProtocolClient again = server.connect("carol")) {
        again.expect("REGISTER#carol", "100 OK");
      }
    }
  }

  @Test
  void aPayeeSideReportCannotMoveThePayersMoney() throws Exception {
    server = TestServer.start(directory);
    try (ProtocolClient alice = server.online("alice", 6000);
        ProtocolClient bob = server.online("bob", 6001)) {
      bob.expect("alice#100#bob", "Transfer Fail! NOT_YOUR_ACCOUNT");
      bob.expect("alice#999999#bob#0123abcd-aaaa", "Transfer Fail! NOT_YOUR_ACCOUNT");
      assertEquals(10_000, alice.list().balanceUnits());
      assertEquals(10_000, bob.list().balanceUnits());
      assertEquals(0, server.server().ledger().audit().transferCount());
    }
  }

  @Test
  void transferFailuresComeWithTheirReasons() throws Exception {
    server = TestServer.start(directory);
    try (ProtocolClient alice = server.online("alice", 6000);
        ProtocolClient bob = server.online("bob", 6001)) {
      alice.expect("alice#5#alice", "Transfer Fail! SELF_PAYMENT");
      alice.expect("alice#5#nobody", "Transfer Fail! UNKNOWN_PAYEE");
      alice.expect("alice#10001#bob", "Transfer Fail! INSUFFICIENT_FUNDS");
      alice.expect("alice#5#bob#same-id-1", "Transfer OK!");
      alice.expect("alice#5#bob#same-id-1", "Transfer OK!");
      alice.expect("alice#6#bob#same-id-1", "Transfer Fail! DUPLICATE_ID");
      assertEquals(9_995, alice.list().balanceUnits());
    }
  }

  @Test
  void aSecondLoginReplacesTheFirstSession() throws Exception {
    server = TestServer.start(directory);
    try (ProtocolClient first = server.online("alice", 6000);
        ProtocolClient second = server.connect("alice")) {
      second.send("alice#7000");
      OnlineList list = second.onlineList();
      assertEquals(List.of(new OnlineEntry("alice", "127.0.0.1", 7000)), list.entries());
      assertTrue(first.isClosedByServer(), "the older connection is closed");
      assertEquals(List.of(new OnlineEntry("alice", "127.0.0.1", 7000)),
          second.list().entries());
    }
  }

  @Test
  void aConnectionThatEndsWithoutExitCountsAsExit() throws Exception {
    server = TestServer.start(directory);
    try (ProtocolClient bob = server.online("bob", 6001)) {
      ProtocolClient alice = server.online("alice", 6000);
      assertEquals(2, bob.list().entries().size());
      alice.close();
      Await.until("alice offline", WAIT, () -> server.server().onlineAccounts() == 1);
      assertEquals(List.of("bob"), bob.list().entries().stream().map(OnlineEntry::name).toList());
    }
  }

  @Test
  void anIdleSessionIsClosed() throws Exception {
    server = TestServer.start(directory, settings -> settings.withIdleTimeout(
        Duration.ofSeconds(1)));
    try (ProtocolClient alice = server.online("alice", 6000)) {
      Await.until("alice dropped", WAIT, () -> server.server().onlineAccounts() == 0);
      assertTrue(alice.isClosedByServer());
    }
  }

  @Test
  void revokingALoggedInPeerEndsItsSessionAndRefusesItsNextHandshake() throws Exception {
    server = TestServer.start(directory);
    TlsFactory aliceTls = server.pki().peerTls("alice", TestServer.TIMEOUT_MILLIS);
    try (ProtocolClient bob = server.online("bob", 6001);
        ProtocolClient alice = server.online("alice", 6000)) {
      server.pki().revoke("alice");
      Await.until("alice's session ended", Duration.ofSeconds(5),
          () -> server.server().onlineAccounts() == 1);
      assertTrue(alice.isClosedByServer());
      // A client that loaded its certificate before the revocation tries again, resuming its
      // TLS session if it can: the server refuses it without a restart.
      assertThrows(IOException.class, () -> {
        try (ProtocolClient again = new ProtocolClient(aliceTls.connectToServer("127.0.0.1",
            server.port(), TestServer.TIMEOUT_MILLIS))) {
          again.request("List");
        }
      });
      assertEquals(List.of("bob"), bob.list().entries().stream().map(OnlineEntry::name).toList());
    }
  }

  @Test
  void depositsObeyTheConfiguredCapAndOldRegisterWithAmount() throws Exception {
    server = TestServer.start(directory, settings -> settings.withMaxDeposit(100));
    try (ProtocolClient alice = server.connect("alice")) {
      alice.expect("REGISTER#alice#101", "210 FAIL");
      alice.expect("REGISTER#alice#100", "100 OK");
      alice.expect("DEPOSIT#alice#100", "DEPOSIT OK");
      alice.expect("DEPOSIT#alice#101", "DEPOSIT FAIL");
      alice.expect("DEPOSIT#alice#0", "DEPOSIT FAIL");
      alice.send("alice#6000");
      assertEquals(10_200, alice.onlineList().balanceUnits());
    }
  }

  @Test
  void depositsCanBeDisabled() throws Exception {
    server = TestServer.start(directory, settings -> settings.withMaxDeposit(0));
    try (ProtocolClient alice = server.connect("alice")) {
      alice.expect("REGISTER#alice", "100 OK");
      alice.expect("DEPOSIT#alice#1", "DEPOSIT FAIL");
      alice.expect("REGISTER#bob#5", "210 FAIL");
    }
  }

  @Test
  void theSameIdFromTheOldAndTheReplacingSessionAtOnceDebitsOnce() throws Exception {
    server = TestServer.start(directory);
    try (ProtocolClient bob = server.online("bob", 6001)) {
      server.online("alice", 6000).close();
      for (int round = 0; round < 10; round++) {
        String report = "alice#10#bob#race-id-" + round;
        try (ProtocolClient old = server.login("alice", 6000);
            ProtocolClient replacing = server.connect("alice")) {
          // The replacing session logs in and reports in one write, while the old session
          // reports the same transfer: the old one may settle it just before it is closed.
          replacing.sendRaw(("alice#6000\r\n" + report + "\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          old.send(report);
          replacing.onlineList();
          assertEquals("Transfer OK!", replacing.readLine());
          String oldReply = old.readLine();
          assertTrue(oldReply == null || oldReply.equals("Transfer OK!"), oldReply);
        }
        assertEquals(OptionalLong.of(10_000 + 10 * (round + 1)),
            server.server().ledger().balance("bob"), "round " + round);
      }
    }
  }
}
