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
        "Ping", "hello", "REGISTER#List", "DEPOSIT#alice#0", "alice#300#bob#id#more"}) {
      assertEquals(RequestParser.parse(line).toString(),
          RequestParser.parse(line, ProtocolVersion.V2).toString(), line);
    }
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
