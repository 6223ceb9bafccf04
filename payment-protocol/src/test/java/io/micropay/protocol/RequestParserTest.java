package io.micropay.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every request shape, valid and malformed, and every limit at and one past its boundary. */
class RequestParserTest {
  private static final String ID = "0123abcd-0000-4000-8000-00000000abcd";

  @Test
  void parsesEveryValidShape() {
    assertEquals(new Request.Register("alice", 0), valid("REGISTER#alice"));
    assertEquals(new Request.Register("alice", 500), valid("REGISTER#alice#500"));
    assertEquals(new Request.Login("alice", 5000), valid("alice#5000"));
    assertEquals(new Request.ListOnline(), valid("List"));
    assertEquals(new Request.Exit(), valid("Exit"));
    assertEquals(new Request.TransferReport("alice", 300, "bob", null), valid("alice#300#bob"));
    assertEquals(new Request.TransferReport("alice", 300, "bob", ID),
        valid("alice#300#bob#" + ID));
    assertEquals(new Request.Deposit("alice", 50), valid("DEPOSIT#alice#50"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"REGISTER#alice", "REGISTER#alice#500", "alice#5000", "List", "Exit",
      "alice#300#bob", "alice#300#bob#" + ID, "DEPOSIT#alice#50"})
  void formatGivesBackTheExactLine(String line) {
    assertEquals(line, valid(line).format());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "list|unknown command", "LIST|unknown command", "exit|unknown command",
      "hello|unknown command", "List#x|login", "#alice|empty field", "alice#|empty field",
      "alice##300|empty field", "REGISTER#|empty field", "alice#300#bob#id#more|too many",
      "REGISTER|REGISTER takes", "REGISTER#a#1#2|REGISTER takes", "DEPOSIT#alice|DEPOSIT takes",
      "DEPOSIT#alice#1#2|DEPOSIT takes", "1alice#5000|invalid account name",
      "register#5000|invalid account name"})
  void malformedLinesGetFormatError(String line, String reason) {
    ParsedRequest parsed = RequestParser.parse(line);
    assertTrue(parsed.isRejected(), line);
    assertEquals(Reply.FORMAT_ERROR, parsed.reply(), line);
    assertTrue(parsed.reason().contains(reason), parsed.reason());
  }

  @Test
  void anEmptyLineIsAFormatError() {
    assertEquals(Reply.FORMAT_ERROR, RequestParser.parse("").reply());
  }

  @ParameterizedTest
  @ValueSource(strings = {"REGISTER#1alice", "REGISTER#List", "REGISTER#al ice",
      "REGISTER#abcdefghijklmnopqrstuvwxyzABCDEFG", "REGISTER#alice#0", "REGISTER#alice#-5",
      "REGISTER#alice#01", "REGISTER#alice#1000000001", "REGISTER#alice#x"})
  void aRecognisableRegistrationWithBadValuesIsFail(String line) {
    assertEquals(Reply.FAIL, RequestParser.parse(line).reply(), line);
  }

  @ParameterizedTest
  @ValueSource(strings = {"DEPOSIT#1alice#5", "DEPOSIT#alice#0", "DEPOSIT#alice#+5",
      "DEPOSIT#alice#007", "DEPOSIT#alice#1000000001", "DEPOSIT#exit#5"})
  void aRecognisableDepositWithBadValuesIsDepositFail(String line) {
    assertEquals(Reply.DEPOSIT_FAIL, RequestParser.parse(line).reply(), line);
  }

  @Test
  void namesAreLimitedTo32CharactersStartingWithALetter() {
    String name32 = "a" + "b".repeat(31);
    assertEquals(new Request.Login(name32, 5000), valid(name32 + "#5000"));
    assertRejected(name32 + "c#5000");
    assertEquals(new Request.Login("a", 5000), valid("a#5000"));
    assertEquals(new Request.Login("Z_9.-x", 5000), valid("Z_9.-x#5000"));
    assertRejected("_a#5000");
    assertRejected("9a#5000");
    assertRejected("a!#5000");
  }

  @Test
  void reservedWordsAreNotNamesInAnyCase() {
    for (String word : new String[] {"register", "Register", "Deposit", "DEPOSIT", "list",
        "List", "EXIT", "exit"}) {
      assertRejected(word + "#5000");
      assertRejected("alice#5#" + word);
    }
    assertRejected("alice#5#REGISTER");
    assertEquals(Reply.FAIL, RequestParser.parse("REGISTER#5000").reply(),
        "a registration of the name 5000");
    assertEquals(new Request.Login("Lists", 5000), valid("Lists#5000"));
  }

  @Test
  void amountsAreOneToABillionWithoutSignOrLeadingZero() {
    assertEquals(1, transfer("alice#1#bob").amountUnits());
    assertEquals(1_000_000_000, transfer("alice#1000000000#bob").amountUnits());
    assertRejected("alice#0#bob");
    assertRejected("alice#1000000001#bob");
    assertRejected("alice#01#bob");
    assertRejected("alice#+1#bob");
    assertRejected("alice#-1#bob");
    assertRejected("alice#1.5#bob");
    assertRejected("alice#99999999999999999999999999#bob");
    assertRejected("alice#1e3#bob");
  }

  @Test
  void portsAre1024To65535() {
    assertEquals(1024, ((Request.Login) valid("alice#1024")).port());
    assertEquals(65535, ((Request.Login) valid("alice#65535")).port());
    assertRejected("alice#1023");
    assertRejected("alice#65536");
    assertRejected("alice#08080");
    assertRejected("alice#0");
    assertRejected("alice#999999");
  }

  @Test
  void transferIdsAre8To64CharactersOfLettersDigitsAndDashes() {
    assertEquals("abcd-123", transfer("alice#5#bob#abcd-123").transferId());
    String id64 = "A".repeat(64);
    assertEquals(id64, transfer("alice#5#bob#" + id64).transferId());
    assertRejected("alice#5#bob#abc-123");
    assertRejected("alice#5#bob#" + id64 + "A");
    assertRejected("alice#5#bob#abcd_123");
    assertRejected("alice#5#bob#abcd.123");
  }

  @Test
  void linesAreLimitedTo1024BytesWithTheirTerminator() {
    String base = "alice#5#bob#";
    String at = base + "a".repeat(Limits.MAX_LINE_BYTES - 1 - base.length());
    assertEquals(Limits.MAX_LINE_BYTES - 1, at.length());
    assertEquals(Reply.FORMAT_ERROR, RequestParser.parse(at).reply(), "the id is too long");
    assertTrue(RequestParser.parse(at + "a").reason().contains("longer than"));
  }

  @Test
  void controlCharactersNulAndNonAsciiAreFormatErrors() {
    assertTrue(RequestParser.parse("ali\u0000ce#5000").reason().contains("NUL"));
    assertTrue(RequestParser.parse("alice#5000\t").reason().contains("control"));
    assertTrue(RequestParser.parse("List\u007f").reason().contains("control"));
    assertTrue(RequestParser.parse("al\u00e9ce#5000").reason().contains("non-ASCII"));
    assertTrue(RequestParser.parse("REGISTER#al\u00ffce").reason().contains("non-ASCII"));
    assertEquals(Reply.FORMAT_ERROR, RequestParser.parse("REGISTER#al\u0001ce").reply());
  }

  @Test
  void aPaymentRequestIsOnlyATransferShape() {
    ParsedRequest ok = RequestParser.parsePaymentRequest("alice#300#bob#" + ID);
    assertFalse(ok.isRejected());
    assertEquals(new Request.TransferReport("alice", 300, "bob", ID), ok.request());
    assertTrue(RequestParser.parsePaymentRequest("alice#5000").isRejected());
    assertTrue(RequestParser.parsePaymentRequest("REGISTER#alice#5").isRejected());
    assertTrue(RequestParser.parsePaymentRequest("List").isRejected());
    assertTrue(RequestParser.parsePaymentRequest("alice#0#bob").isRejected());
  }

  private static Request valid(String line) {
    ParsedRequest parsed = RequestParser.parse(line);
    assertFalse(parsed.isRejected(), line + ": " + parsed);
    return parsed.request();
  }

  private static Request.TransferReport transfer(String line) {
    return (Request.TransferReport) valid(line);
  }

  private static void assertRejected(String line) {
    ParsedRequest parsed = RequestParser.parse(line);
    assertTrue(parsed.isRejected(), line + " should be rejected but gave " + parsed);
    assertEquals(Reply.FORMAT_ERROR, parsed.reply(), line);
  }
}
