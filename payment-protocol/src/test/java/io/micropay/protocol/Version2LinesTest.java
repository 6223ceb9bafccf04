package io.micropay.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Version 2's added lines: each parses and formats exactly as docs/protocol.md writes it, each
 * field at its limits, and none of them means anything on a version-1 connection.
 */
class Version2LinesTest {
  private static final String ID = "0123abcd-0000-4000-8000-00000000abcd";

  @Test
  void theAddedRequestsParseOnlyInVersion2() {
    assertEquals(new Request.Ping(), v2("PING"));
    assertEquals(new Request.AskLimits(), v2("LIMITS"));
    assertEquals(new Request.Lookup("alice", ID), v2("LOOKUP#alice#" + ID));
    for (String line : new String[] {"PING", "LIMITS", "LOOKUP#alice#" + ID}) {
      ParsedRequest inVersion1 = RequestParser.parse(line);
      assertTrue(inVersion1.isRejected(), line);
      assertEquals(Reply.FORMAT_ERROR, inVersion1.reply(), line);
      assertEquals(line, v2(line).format());
    }
  }

  @Test
  void everyVersion1LineMeansTheSameInVersion2() {
    for (String line : new String[] {"REGISTER#alice", "REGISTER#alice#500", "alice#5000",
        "List", "Exit", "alice#300#bob", "alice#300#bob#" + ID, "DEPOSIT#alice#50", "ping",
        "Ping", "hello", "REGISTER#List", "DEPOSIT#alice#0", "alice#300#bob#id",
        "STATEMENT#6000", "STATEMENT#300#bob", "RECEIPT#300#bob"}) {
      assertEquals(RequestParser.parse(line).toString(),
          RequestParser.parse(line, ProtocolVersion.V2).toString(), line);
    }
  }

  @Test
  void aMemoIsTheFifthFieldOfATransferInVersion2Only() {
    assertEquals(new Request.TransferReport("alice", 300, "bob", ID, "lunch at Joe's"),
        v2("alice#300#bob#" + ID + "#lunch at Joe's"));
    assertEquals(Reply.FORMAT_ERROR, RequestParser.parse("alice#300#bob#" + ID + "#lunch")
        .reply());
    String longest = "m".repeat(Limits.MAX_MEMO_LENGTH);
    assertEquals(longest, ((Request.TransferReport) v2("alice#1#bob#" + ID + "#" + longest))
        .memo());
    for (String memo : new String[] {longest + "m", "a#b", "   ", "caf\u00e9", "tab\there"}) {
      ParsedRequest parsed = RequestParser.parse("alice#1#bob#" + ID + "#" + memo,
          ProtocolVersion.V2);
      assertTrue(parsed.isRejected(), memo);
      assertEquals(Reply.FORMAT_ERROR, parsed.reply(), memo);
    }
    ParsedRequest toPayee = RequestParser.parsePaymentRequest("alice#1#bob#" + ID + "#hi",
        ProtocolVersion.V2);
    assertEquals("hi", ((Request.TransferReport) toPayee.request()).memo());
    assertTrue(RequestParser.parsePaymentRequest("alice#1#bob#" + ID + "#hi").isRejected());
    Request.TransferReport withMemo = new Request.TransferReport("alice", 1, "bob", ID, "hi");
    assertEquals("alice#1#bob#" + ID, withMemo.format(ProtocolVersion.V1));
  }

  @Test
  void statementAndReceiptRequestsParseWithTheirOptionsAndLimits() {
    assertEquals(Request.Statement.newest(1000), v2("STATEMENT#1000"));
    assertEquals(new Request.Statement(5, 42, java.time.Instant.parse("2026-12-01T00:00:00Z"),
        java.time.Instant.parse("2026-12-02T00:00:00Z")),
        v2("STATEMENT#5#BEFORE=42#SINCE=2026-12-01T00:00:00Z#UNTIL=2026-12-02T00:00:00Z"));
    assertEquals(new Request.AskReceipt("alice", ID), v2("RECEIPT#alice#" + ID));
    for (String line : new String[] {"STATEMENT#0", "STATEMENT#1001#BEFORE=1", "STATEMENT#01",
        "STATEMENT#5#BEFORE=0", "STATEMENT#5#SINCE=2026-12-02", "STATEMENT#5#X=1",
        "STATEMENT#5#UNTIL=2026-12-01T00:00:00Z#SINCE=2026-11-01T00:00:00Z"}) {
      ParsedRequest parsed = RequestParser.parse(line, ProtocolVersion.V2);
      assertTrue(parsed.isRejected(), line);
      assertEquals(Reply.FORMAT_ERROR, parsed.reply(), line);
      assertTrue(RequestParser.parse(line).isRejected(), line);
    }
  }

  @Test
  void aStatementEntryAndPageRoundTripAtTheirLimits() throws Exception {
    StatementEntry longest = new StatementEntry(Long.MAX_VALUE / 10, java.time.Instant.now(),
        StatementEntry.Kind.PAID, "b".repeat(32), Limits.MAX_BALANCE, Limits.MAX_BALANCE,
        "i".repeat(64), "m".repeat(Limits.MAX_MEMO_LENGTH));
    assertTrue(longest.format().length() < Limits.MAX_LINE_BYTES, longest.format());
    assertEquals(longest, StatementEntry.parse(longest.format()));
    StatementEntry grant = new StatementEntry(1, java.time.Instant.now(),
        StatementEntry.Kind.GRANT, null, 10_000, -1, null, null);
    assertEquals(grant, StatementEntry.parse(grant.format()));
    java.util.Iterator<String> lines = new StatementPage(java.util.List.of(longest, grant), 1)
        .formatLines().iterator();
    StatementPage page = StatementPage.read(() -> lines.hasNext() ? lines.next() : null);
    assertEquals(java.util.List.of(longest, grant), page.entries());
    assertEquals(1, page.nextBefore());
    assertThrows(ProtocolException.class, () -> StatementPage.read(() -> "STATEMENT#1001"));
  }

  @Test
  void anAccountNamedLookupStillPaysInVersion2() {
    // The lookup's second field is a name and a transfer's is an amount: they never collide.
    assertEquals(new Request.TransferReport("LOOKUP", 300, "bob", ID),
        v2("LOOKUP#300#bob#" + ID));
    assertEquals(new Request.TransferReport("LOOKUP", 300, "bob", null), v2("LOOKUP#300#bob"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"LOOKUP#alice#short", "LOOKUP#al ice#" + ID, "LOOKUP#alice#" + ID + "x"
      + "0123456789012345678901234567890", "LOOKUP#List#" + ID, "PING#1", "LIMITS#x"})
  void malformedVersion2RequestsAreFormatErrors(String line) {
    ParsedRequest parsed = RequestParser.parse(line, ProtocolVersion.V2);
    assertTrue(parsed.isRejected(), line);
    assertEquals(Reply.FORMAT_ERROR, parsed.reply(), line);
  }

  @Test
  void aLookupIdAtItsLimits() {
    String shortest = "a".repeat(Limits.MIN_TRANSFER_ID_LENGTH);
    String longest = "a".repeat(Limits.MAX_TRANSFER_ID_LENGTH);
    assertEquals(new Request.Lookup("alice", shortest), v2("LOOKUP#alice#" + shortest));
    assertEquals(new Request.Lookup("alice", longest), v2("LOOKUP#alice#" + longest));
    assertTrue(RequestParser.parse("LOOKUP#alice#" + shortest.substring(1),
        ProtocolVersion.V2).isRejected());
    assertTrue(RequestParser.parse("LOOKUP#alice#" + longest + "a",
        ProtocolVersion.V2).isRejected());
  }

  @Test
  void pongAndLimitsReplies() throws ProtocolException {
    assertEquals("PONG", Reply.PONG.wire());
    ServerLimits limits = new ServerLimits(600_000, 1_000_000);
    assertEquals("LIMITS#600000#1000000", limits.format());
    assertEquals(limits, ServerLimits.parse("LIMITS#600000#1000000"));
    assertEquals(limits, ServerLimits.parse("LIMITS#600000#1000000#a-later-field"));
    assertFalse(ServerLimits.parse("LIMITS#2000#0").depositsEnabled());
    for (String bad : new String[] {"LIMITS#0#5", "LIMITS#5", "LIMITS#-1#5", "LIMITS#5#1000000001",
        "LIMITS#05#5", "PONG", "LIMITS#1234567890123#5"}) {
      assertThrows(ProtocolException.class, () -> ServerLimits.parse(bad), bad);
    }
  }

  @Test
  void lookupRepliesRoundTrip() throws ProtocolException {
    TransferLookup settled = TransferLookup.settled("alice", 300, "bob", ID);
    assertEquals("SETTLED#alice#300#bob#" + ID, settled.format());
    assertEquals(settled, TransferLookup.parse(settled.format()));
    assertTrue(settled.confirms(new Request.TransferReport("alice", 300, "bob", ID)));
    assertFalse(settled.confirms(new Request.TransferReport("alice", 301, "bob", ID)));
    assertFalse(settled.confirms(new Request.TransferReport("alice", 300, "carol", ID)));
    TransferLookup unknown = TransferLookup.notSettled("alice", ID);
    assertEquals("NOT_SETTLED#alice#" + ID, unknown.format());
    assertEquals(unknown, TransferLookup.parse(unknown.format()));
    assertFalse(unknown.confirms(new Request.TransferReport("alice", 300, "bob", ID)));
    for (String bad : new String[] {"SETTLED#alice#0#bob#" + ID, "SETTLED#alice#300#bob",
        "NOT_SETTLED#alice", "SETTLED#alice#300#bob#short", "Transfer OK!"}) {
      assertThrows(ProtocolException.class, () -> TransferLookup.parse(bad), bad);
    }
  }

  @Test
  void closingNoticesRoundTrip() throws ProtocolException {
    assertEquals("CLOSING#REPLACED#127.0.0.1#41873",
        SessionClosing.replaced("127.0.0.1", 41873).format());
    assertEquals("CLOSING#IDLE#2000", SessionClosing.idle(2000).format());
    for (SessionClosing.Reason reason : new SessionClosing.Reason[] {
        SessionClosing.Reason.REVOKED, SessionClosing.Reason.EXPIRED,
        SessionClosing.Reason.SHUTDOWN, SessionClosing.Reason.ERROR}) {
      SessionClosing notice = SessionClosing.of(reason);
      assertEquals("CLOSING#" + reason.name(), notice.format());
      assertEquals(notice, SessionClosing.parse(notice.format()));
    }
    assertEquals(SessionClosing.replaced("::1", 1024),
        SessionClosing.parse("CLOSING#REPLACED#::1#1024"));
    assertEquals(SessionClosing.idle(600_000), SessionClosing.parse("CLOSING#IDLE#600000"));
    for (String bad : new String[] {"CLOSING#REPLACED", "CLOSING#REPLACED#localhost#5000",
        "CLOSING#REPLACED#127.0.0.1#80", "CLOSING#IDLE", "CLOSING#IDLE#0", "CLOSING#BORED",
        "CLOSING#SHUTDOWN#now", "CLOSING", "Bye"}) {
      assertThrows(ProtocolException.class, () -> SessionClosing.parse(bad), bad);
    }
    assertThrows(IllegalArgumentException.class,
        () -> SessionClosing.of(SessionClosing.Reason.IDLE));
    assertTrue(SessionClosing.isNotice("CLOSING#WHATEVER"));
    assertFalse(SessionClosing.isNotice("CLOSING"));
  }

  @Test
  void aPolicyDeclineIsSaidAsAUserDeclineInVersion1() throws ProtocolException {
    PaymentDecision overLimit = PaymentDecision.decline(DeclineReason.OVER_AUTO_LIMIT);
    assertEquals("DECLINE OVER_AUTO_LIMIT", overLimit.format(ProtocolVersion.V2));
    assertEquals("DECLINE DECLINED_BY_USER", overLimit.format(ProtocolVersion.V1));
    assertEquals("DECLINE DECLINED_BY_USER",
        PaymentDecision.decline(DeclineReason.NOT_ACCEPTING).format());
    assertEquals(overLimit, PaymentDecision.parse("DECLINE OVER_AUTO_LIMIT", ProtocolVersion.V2));
    assertThrows(ProtocolException.class, () -> PaymentDecision.parse("DECLINE OVER_AUTO_LIMIT"));
    assertTrue(overLimit.allowsAnotherRequest());
  }

  @Test
  void negotiatedVersions() {
    assertEquals(ProtocolVersion.V1, ProtocolVersion.negotiated(null));
    assertEquals(ProtocolVersion.V1, ProtocolVersion.negotiated(""));
    assertEquals(ProtocolVersion.V1, ProtocolVersion.negotiated("micropay/1"));
    assertEquals(ProtocolVersion.V2, ProtocolVersion.negotiated("micropay/2"));
    assertEquals(java.util.List.of("micropay/2", "micropay/1"), ProtocolVersion.ALPN_NAMES);
    assertThrows(IllegalArgumentException.class, () -> ProtocolVersion.negotiated("h2"));
  }

  private static Request v2(String line) {
    ParsedRequest parsed = RequestParser.parse(line, ProtocolVersion.V2);
    assertFalse(parsed.isRejected(), () -> line + ": " + parsed.reason());
    return parsed.request();
  }
}
