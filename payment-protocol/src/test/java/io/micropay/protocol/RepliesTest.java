package io.micropay.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The fixed replies, transfer results and payee decisions, exact to the byte. */
class RepliesTest {
  @Test
  void repliesHaveTheirExactWireText() {
    assertArrayEquals("100 OK\r\n".getBytes(StandardCharsets.US_ASCII), Reply.OK.encode());
    assertEquals("210 FAIL", Reply.FAIL.wire());
    assertEquals("220 AUTH_FAIL", Reply.AUTH_FAIL.wire());
    assertEquals("230 Input format error", Reply.FORMAT_ERROR.wire());
    assertEquals("240 BUSY", Reply.BUSY.wire());
    assertEquals("Bye", Reply.BYE.wire());
    assertEquals("Transfer OK!", Reply.TRANSFER_OK.wire());
    assertEquals("DEPOSIT OK", Reply.DEPOSIT_OK.wire());
    assertEquals("DEPOSIT FAIL", Reply.DEPOSIT_FAIL.wire());
    assertEquals("PONG", Reply.PONG.wire());
  }

  @Test
  void transferResultsRoundTrip() throws ProtocolException {
    assertEquals("Transfer OK!", TransferResult.ok().format());
    assertTrue(TransferResult.parse("Transfer OK!").isOk());
    for (TransferFailure failure : TransferFailure.values()) {
      String line = "Transfer Fail! " + failure.name();
      assertEquals(line, TransferResult.failed(failure).format());
      assertEquals(failure, TransferResult.parse(line).failure().orElseThrow());
    }
  }

  @Test
  void anUnknownTransferResultIsAProtocolError() {
    for (String line : new String[] {"Transfer OK", "Transfer Fail! ", "Transfer Fail! NOPE",
        "transfer ok!", "", "230 Input format error"}) {
      assertThrows(ProtocolException.class, () -> TransferResult.parse(line), line);
    }
  }

  @Test
  void paymentDecisionsRoundTrip() throws ProtocolException {
    assertEquals("OK", PaymentDecision.accept().format());
    assertTrue(PaymentDecision.parse("OK").isAccepted());
    for (DeclineReason reason : DeclineReason.values()) {
      String line = "DECLINE " + reason.name();
      assertEquals(line, PaymentDecision.decline(reason).format(ProtocolVersion.V2));
      PaymentDecision parsed = PaymentDecision.parse(line, ProtocolVersion.V2);
      assertFalse(parsed.isAccepted());
      assertEquals(reason, parsed.declined().orElseThrow());
    }
    assertThrows(ProtocolException.class, () -> PaymentDecision.parse("ok"));
    assertThrows(ProtocolException.class, () -> PaymentDecision.parse("DECLINE"));
    assertThrows(ProtocolException.class, () -> PaymentDecision.parse("DECLINE MAYBE"));
  }

  @Test
  void onlyOkAndAPlainNoLeaveTheConnectionForAnotherRequest() {
    assertTrue(PaymentDecision.accept().allowsAnotherRequest());
    assertTrue(PaymentDecision.decline(DeclineReason.DECLINED_BY_USER).allowsAnotherRequest());
    assertFalse(PaymentDecision.decline(DeclineReason.BAD_REQUEST).allowsAnotherRequest());
    assertFalse(PaymentDecision.decline(DeclineReason.NOT_ME).allowsAnotherRequest());
    assertFalse(PaymentDecision.decline(DeclineReason.TIMEOUT).allowsAnotherRequest());
  }

  @Test
  void requestRecordsRefuseInvalidFields() {
    assertThrows(IllegalArgumentException.class, () -> new Request.Login("alice", 80));
    assertThrows(IllegalArgumentException.class, () -> new Request.Deposit("alice", 0));
    assertThrows(IllegalArgumentException.class,
        () -> new Request.TransferReport("alice", 5, "bob", "short"));
    assertThrows(IllegalArgumentException.class, () -> new Request.Register("List", 0));
  }
}
