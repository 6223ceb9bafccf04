package io.micropay.peer;

import io.micropay.peer.History.Direction;
import io.micropay.pki.PeerIdentity;
import io.micropay.protocol.DeclineReason;
import io.micropay.protocol.ParsedRequest;
import io.micropay.protocol.PaymentDecision;
import io.micropay.protocol.Printable;
import io.micropay.protocol.Request;
import io.micropay.protocol.RequestParser;
import java.time.Duration;
import java.util.Optional;

/**
 * The payee's side of PROTOCOL.md section 5: checks a payment request against the payer's
 * certificate and against this peer, then decides by its {@link AcceptPolicy}. It never reports
 * anything to the server: only payers do.
 */
public final class IncomingPayments {
  private final String me;
  private final AcceptPolicy policy;
  private final long autoMaxUnits;
  private final Prompter prompter;
  private final Duration decisionTimeout;
  private final History history;
  private final PeerEvents events;

  public IncomingPayments(String me, AcceptPolicy policy, long autoMaxUnits, Prompter prompter,
      Duration decisionTimeout, History history, PeerEvents events) {
    this.me = me;
    this.policy = policy;
    this.autoMaxUnits = autoMaxUnits;
    this.prompter = prompter;
    this.decisionTimeout = decisionTimeout;
    this.history = history;
    this.events = events;
  }


  /**
   * Decides on {@code line}, sent by {@code payer}'s authenticated connection. Returns the
   * decision to send, and the accepted request when it is {@code OK}.
   */
  public Decision decide(PeerIdentity payer, String line) {
    ParsedRequest parsed = RequestParser.parsePaymentRequest(line);
    if (parsed.isRejected()) {
      events.notice("declined a malformed request from " + payer.accountName() + ": "
          + parsed.reason());
      return Decision.declined(DeclineReason.BAD_REQUEST);
    }
    Request.TransferReport request = (Request.TransferReport) parsed.request();
    if (!request.payer().equals(payer.accountName())) {
      events.notice("declined a request from " + payer.accountName() + " claiming to be "
          + request.payer() + " (" + Printable.of(line) + ")");
      return Decision.declined(DeclineReason.BAD_REQUEST);
    }
    if (!request.payee().equals(me)) {
      events.notice("declined a request from " + payer.accountName() + " meant for "
          + request.payee());
      return Decision.declined(DeclineReason.NOT_ME);
    }
    PaymentDecision decision = byPolicy(request);
    if (!decision.isAccepted()) {
      history.add(Direction.RECEIVED, request.payer(), request.amountUnits(),
          "declined: " + decision.declined().orElseThrow());
    }
    return new Decision(decision, decision.isAccepted() ? Optional.of(request)
        : Optional.empty());
  }

  /** Records what the payer relayed after an accepted request. */
  public void settled(Request.TransferReport request, String outcome) {
    history.add(Direction.RECEIVED, request.payer(), request.amountUnits(), outcome);
    events.notice("received " + request.amountUnits() + " from " + request.payer() + " ("
        + outcome + ")");
  }

  /**
   * What to answer, and the request when accepted.
   *
   * @param decision the line to send
   * @param accepted the request, when the decision is OK
   */
  public record Decision(PaymentDecision decision, Optional<Request.TransferReport> accepted) {
    static Decision declined(DeclineReason reason) {
      return new Decision(PaymentDecision.decline(reason), Optional.empty());
    }
  }

  private PaymentDecision byPolicy(Request.TransferReport request) {
    switch (policy) {
      case NEVER:
        events.notice("declined " + request.amountUnits() + " from " + request.payer()
            + " (accepting nothing)");
        return PaymentDecision.decline(DeclineReason.DECLINED_BY_USER);
      case AUTO:
        if (request.amountUnits() > autoMaxUnits) {
          events.notice("declined " + request.amountUnits() + " from " + request.payer()
              + " (over the automatic limit of " + autoMaxUnits + ")");
          return PaymentDecision.decline(DeclineReason.DECLINED_BY_USER);
        }
        return PaymentDecision.accept();
      default:
        Optional<Boolean> answer = prompter.ask(request.payer() + " wants to pay you "
            + request.amountUnits() + ". Accept? [y/n]", decisionTimeout);
        if (answer.isEmpty()) {
          events.notice("declined " + request.amountUnits() + " from " + request.payer()
              + ": no answer within " + decisionTimeout.toSeconds() + " s");
          return PaymentDecision.decline(DeclineReason.TIMEOUT);
        }
        return answer.get() ? PaymentDecision.accept()
            : PaymentDecision.decline(DeclineReason.DECLINED_BY_USER);
    }
  }
}
