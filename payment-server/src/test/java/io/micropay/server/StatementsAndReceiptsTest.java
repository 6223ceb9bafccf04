package io.micropay.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.pki.Passphrase;
import io.micropay.pki.Role;
import io.micropay.pki.cms.SignedContent;
import io.micropay.pki.testing.TestPki;
import io.micropay.pki.tls.RenewableKeyManager;
import io.micropay.pki.x509.CertificateRejectedException;
import io.micropay.pki.x509.Pem;
import io.micropay.protocol.ReceiptContent;
import io.micropay.protocol.ReceiptReply;
import io.micropay.protocol.Request;
import io.micropay.protocol.StatementEntry;
import io.micropay.protocol.StatementPage;
import io.micropay.server.ledger.AuditReport;
import io.micropay.testing.OpenSsl;
import io.micropay.testing.ProtocolClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Version 2's statements, memos and signed receipts against a real server over TLS on loopback:
 * paging and ranges, only one's own account, the same rows after a restart, memos stored and
 * shown, receipts checked by our code and by the openssl command line, a tampered receipt and
 * one signed under another CA refused. Version 1 sessions see none of it.
 */
@Timeout(120)
class StatementsAndReceiptsTest {
  private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(30);

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

  private static String id(int i) {
    return String.format("stmt-%08d", i);
  }

  /** A version-2 session, registered and logged in: memos need version 2. */
  private ProtocolClient onlineVersion2(String name, int port) throws Exception {
    ProtocolClient client = server.connectVersion2(name);
    client.expect("REGISTER#" + name, "100 OK");
    client.send(name + "#" + port);
    client.onlineList();
    return client;
  }

  private static StatementPage page(ProtocolClient client, Request.Statement request)
      throws Exception {
    client.send(request.format());
    return StatementPage.read(client::readLine);
  }

  private static byte[] receipt(ProtocolClient client, String payer, String transferId)
      throws Exception {
    Request.AskReceipt ask = new Request.AskReceipt(payer, transferId);
    client.send(ask.format());
    return ReceiptReply.read(client::readLine, ask).der();
  }

  @Test
  void aStatementPagesNewestFirstWithBalancesAndMemosAndShowsOnlyTheOwnAccount()
      throws Exception {
    server = TestServer.start(directory);
    try (ProtocolClient alice = server.online("alice", 6000);
        ProtocolClient bob = server.online("bob", 6001);
        ProtocolClient carol = server.online("carol", 6002)) {
      for (int i = 1; i <= 5; i++) {
        alice.expect("alice#" + i + "#bob#" + id(i), "Transfer OK!");
      }
      carol.expect("carol#7#alice#" + id(100), "Transfer OK!");
    }
    try (ProtocolClient alice = server.connectVersion2("alice");
        ProtocolClient bob = server.connectVersion2("bob")) {
      List<StatementEntry> all = new ArrayList<>();
      StatementPage first = page(alice, Request.Statement.newest(3));
      assertEquals(3, first.entries().size());
      assertTrue(first.hasNext());
      all.addAll(first.entries());
      StatementPage second = page(alice, Request.Statement.newest(3).after(first.nextBefore()));
      all.addAll(second.entries());
      StatementPage third = page(alice, Request.Statement.newest(3).after(second.nextBefore()));
      assertFalse(third.hasNext(), "seven rows: 3 + 3 + 1");
      all.addAll(third.entries());
      assertEquals(7, all.size());
      StatementEntry received = all.get(0);
      assertEquals(StatementEntry.Kind.RECEIVED, received.kind());
      assertEquals("carol", received.counterparty());
      assertEquals(10_000 - 15 + 7, received.balanceAfterUnits());
      StatementEntry paid = all.get(1);
      assertEquals(StatementEntry.Kind.PAID, paid.kind());
      assertEquals("bob", paid.counterparty());
      assertEquals(5, paid.amountUnits());
      assertEquals(id(5), paid.transferId());
      assertEquals(10_000 - 15, paid.balanceAfterUnits());
      StatementEntry grant = all.get(6);
      assertEquals(StatementEntry.Kind.GRANT, grant.kind());
      assertEquals(10_000, grant.balanceAfterUnits());
      for (int i = 1; i < all.size(); i++) {
        assertTrue(all.get(i - 1).entryId() > all.get(i).entryId(), "newest first");
      }
      // Bob's statement is his own, whatever he asks: carol's transfer to alice is not in it.
      List<StatementEntry> bobs = page(bob, Request.Statement.newest(1000)).entries();
      assertEquals(6, bobs.size());
      assertTrue(bobs.stream().noneMatch(entry -> "carol".equals(entry.counterparty())));
      assertEquals(10_000 + 15, bobs.get(0).balanceAfterUnits());
      // Bob cannot have a receipt of a transfer between carol and alice.
      Request.AskReceipt other = new Request.AskReceipt("carol", id(100));
      bob.expect(other.format(), "NO_RECEIPT#carol#" + id(100));
    }
  }

  @Test
  void aTimeRangeSelectsEntriesAndTheRowsAreTheSameAfterARestart() throws Exception {
    server = TestServer.start(directory);
    Instant beforeTransfers;
    try (ProtocolClient alice = onlineVersion2("alice", 6000);
        ProtocolClient bob = server.online("bob", 6001)) {
      beforeTransfers = Instant.now();
      alice.expect("alice#300#bob#" + id(1) + "#lunch at Joe's", "Transfer OK!");
    }
    List<StatementEntry> before;
    try (ProtocolClient alice = server.connectVersion2("alice")) {
      before = page(alice, Request.Statement.newest(10)).entries();
      List<StatementEntry> since = page(alice,
          new Request.Statement(10, 0, beforeTransfers, null)).entries();
      assertEquals(1, since.size());
      assertEquals("lunch at Joe's", since.get(0).memo());
      List<StatementEntry> until = page(alice,
          new Request.Statement(10, 0, null, beforeTransfers)).entries();
      assertEquals(List.of(StatementEntry.Kind.GRANT),
          until.stream().map(StatementEntry::kind).toList());
    }
    server.close();
    server = TestServer.reopen(server);
    try (ProtocolClient alice = server.connectVersion2("alice")) {
      assertEquals(before, page(alice, Request.Statement.newest(10)).entries());
    }
  }

  @Test
  void statementAndReceiptLinesAreVersion2OnlyAndBadOptionsAreFormatErrors() throws Exception {
    server = TestServer.start(directory);
    try (ProtocolClient old = server.online("alice", 6000);
        ProtocolClient bob = server.online("bob", 6001);
        ProtocolClient alice = server.connectVersion2("alice")) {
      old.expect("STATEMENT#10", "230 Input format error");
      old.expect("RECEIPT#alice#" + id(1), "230 Input format error");
      old.expect("alice#1#bob#" + id(1) + "#memo", "230 Input format error");
      alice.expect("STATEMENT#1001", "230 Input format error");
      alice.expect("STATEMENT#0", "230 Input format error");
      alice.expect("STATEMENT#10#SINCE=yesterday", "230 Input format error");
      alice.expect("STATEMENT#10#UNTIL=2026-01-01T00:00:00Z#SINCE=2025-01-01T00:00:00Z",
          "230 Input format error");
      alice.expect("RECEIPT#alice#" + id(1), "NO_RECEIPT#alice#" + id(1));
    }
  }

  @Test
  void aReceiptVerifiesWithOurCodeAndWithOpensslAndATamperedOneDoesNot() throws Exception {
    server = TestServer.start(directory);
    try (ProtocolClient alice = onlineVersion2("alice", 6000);
        ProtocolClient bob = server.online("bob", 6001)) {
      alice.expect("alice#300#bob#" + id(1) + "#lunch", "Transfer OK!");
    }
    Path ca = server.pki().layout().caCertificate();
    byte[] der;
    try (ProtocolClient bob = server.connectVersion2("bob")) {
      der = receipt(bob, "alice", id(1));
    }
    SignedContent.Verified verified = SignedContent.verify(der, Pem.readCertificate(ca),
        Role.SERVER);
    ReceiptContent content = ReceiptContent.decode(verified.content());
    assertEquals("alice", content.payer());
    assertEquals("bob", content.payee());
    assertEquals(300, content.amountUnits());
    assertEquals("lunch", content.memo());
    assertEquals(id(1), content.transferId());

    Path file = directory.resolve("receipt.pem");
    Files.writeString(file, SignedContent.toPem(der));
    OpenSsl.Result openssl = OpenSsl.run(OPENSSL_TIMEOUT, "cms", "-verify", "-purpose", "any",
        "-CAfile", ca.toString(), "-in", file.toString(), "-inform", "PEM");
    assertEquals(0, openssl.exitCode(), openssl.output());
    assertArrayEquals(content.encode(), openssl.stdout().getBytes(StandardCharsets.US_ASCII));

    String text = new String(verified.content(), StandardCharsets.US_ASCII);
    byte[] tampered = replace(der, text.getBytes(StandardCharsets.US_ASCII),
        text.replace("amount: 300", "amount: 900").getBytes(StandardCharsets.US_ASCII));
    assertThrows(CertificateRejectedException.class,
        () -> SignedContent.verify(tampered, Pem.readCertificate(ca), Role.SERVER));
    Path tamperedFile = directory.resolve("tampered.pem");
    Files.writeString(tamperedFile, SignedContent.toPem(tampered));
    OpenSsl.Result refused = OpenSsl.run(OPENSSL_TIMEOUT, "cms", "-verify", "-purpose", "any",
        "-CAfile", ca.toString(), "-in", tamperedFile.toString(), "-inform", "PEM");
    assertNotEquals(0, refused.exitCode(), refused.output());
  }

  @Test
  void aReceiptSignedUnderAnotherCaOrByAPeerIsRefused() throws Exception {
    server = TestServer.start(directory);
    byte[] content = new ReceiptContent("alice", "bob", 300, id(1), null, 1, Instant.now())
        .encode();
    TestPki other = TestPki.create(directory.resolve("other"));
    byte[] foreign = SignedContent.sign(content, identity(other.server()));
    Path ca = server.pki().layout().caCertificate();
    CertificateRejectedException notOurs = assertThrows(CertificateRejectedException.class,
        () -> SignedContent.verify(foreign, Pem.readCertificate(ca), Role.SERVER));
    assertTrue(notOurs.getMessage().contains("CA"), notOurs.getMessage());
    Path file = directory.resolve("foreign.pem");
    Files.writeString(file, SignedContent.toPem(foreign));
    OpenSsl.Result refused = OpenSsl.run(OPENSSL_TIMEOUT, "cms", "-verify", "-purpose", "any",
        "-CAfile", ca.toString(), "-in", file.toString(), "-inform", "PEM");
    assertNotEquals(0, refused.exitCode(), refused.output());

    byte[] byAPeer = SignedContent.sign(content, identity(server.pki().peer("mallory")));
    CertificateRejectedException notAServer = assertThrows(CertificateRejectedException.class,
        () -> SignedContent.verify(byAPeer, Pem.readCertificate(ca), Role.SERVER));
    assertTrue(notAServer.getMessage().contains("a server certificate must sign it"),
        notAServer.getMessage());
  }

  private static RenewableKeyManager.Identity identity(TestPki.Identity files) {
    return new RenewableKeyManager.Identity(List.of(Pem.readCertificate(files.certificate())),
        Pem.readPrivateKey(files.key(), Passphrase.none()));
  }

  private static byte[] replace(byte[] haystack, byte[] needle, byte[] replacement) {
    String all = new String(haystack, StandardCharsets.ISO_8859_1);
    String from = new String(needle, StandardCharsets.ISO_8859_1);
    int at = all.indexOf(from);
    assertTrue(at >= 0, "the content is inside the receipt");
    return (all.substring(0, at) + new String(replacement, StandardCharsets.ISO_8859_1)
        + all.substring(at + from.length())).getBytes(StandardCharsets.ISO_8859_1);
  }
}
