package io.micropay.peer;

import io.micropay.peer.History.Direction;
import io.micropay.pki.PeerIdentity;
import io.micropay.protocol.DeclineReason;
import io.micropay.protocol.ParsedRequest;
import io.micropay.protocol.PaymentDecision;
import io.micropay.protocol.Printable;
import io.micropay.protocol.Request;
import io.micropay.protocol.RequestParser;
import io.micropay.protocol.TransferResult;
import java.time.Duration;
import java.util.Optional;

/**
 * The payee's side of PROTOCOL.md section 5: checks a payment request against the payer's
 * certificate and against this peer, then decides by its {@link AcceptPolicy}. It never reports
 * anything to the server: only payers do. Nor does it take the payer's word that a payment
 * settled: it asks the server on this peer's own session, and says "received" only when the
 * server confirms.
 */
public final class IncomingPayments {
  private final String me;
  private final AcceptPolicy policy;
  private final long autoMaxUnits;
  private final Prompter prompter;
  private final Duration decisionTimeout;
  private final History history;
  private final PeerEvents events;
  private final CreditCheck credits;

  /** Asks the server whether an accepted payment settled. */
  @FunctionalInterface
  public interface CreditCheck {
    CreditStatus check(Request.TransferReport request);
  }

  /**
   * What the server says of an accepted payment.
   *
   * @param settled whether it settled, empty when the server could not be asked
   * @param unknownBecause why it could not be asked, when it could not
   */
  public record CreditStatus(Optional<Boolean> settled, String unknownBecause) {
    public static CreditStatus known(boolean settled) {
      return new CreditStatus(Optional.of(settled), null);
    }

    public static CreditStatus unknown(String because) {
      return new CreditStatus(Optional.empty(), because);
    }
  }

  public IncomingPayments(String me, AcceptPolicy policy, long autoMaxUnits, Prompter prompter,
      Duration decisionTimeout, History history, PeerEvents events, CreditCheck credits) {
    this.me = me;
    this.policy = policy;
    this.autoMaxUnits = autoMaxUnits;
    this.prompter = prompter;
    this.decisionTimeout = decisionTimeout;
    this.history = history;
    this.events = events;
    this.credits = credits;
  }


  /**
   * Decides on {@code line}, sent by {@code payer}'s authenticated connection. Returns the
   * decision to send, and the accepted request when it is {@code OK}.
   */
  public Decision decide(PeerIdentity payer, String line) {
    return decide(payer, line, io.micropay.protocol.ProtocolVersion.V1);
  }

  /** As {@link #decide(PeerIdentity, String)} on a connection that speaks {@code version}. */
  public Decision decide(PeerIdentity payer, String line,
      io.micropay.protocol.ProtocolVersion version) {
    ParsedRequest parsed = RequestParser.parsePaymentRequest(line, version);
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

  /**
   * Concludes an accepted request: asks the server whether it settled, and says what happened,
   * with the payer's relayed verdict ({@code relay}, null when it sent none) only as the payer's
   * word.
   */
  public void concluded(Request.TransferReport request, TransferResult relay) {
    CreditStatus status = credits.check(request);
    String from = request.amountUnits() + " from " + request.payer();
    String outcome;
    String line;
    if (status.settled().isPresent() && status.settled().get()) {
      outcome = "settled";
      line = "received " + from + " (settled, confirmed by the server)";
    } else if (status.settled().isPresent()) {
      outcome = "not settled";
      line = relay == null ? "the payment of " + from + " has not settled (the payer sent no "
          + "verdict); check with list later"
          : relay.isOk() ? request.payer() + " says the payment of " + request.amountUnits()
          + " settled, but the server has no record of it: nothing was received"
          : "the payment of " + from + " was refused by the server (" + relay.format() + ")";
    } else if (relay == null) {
      outcome = "unconfirmed: the payer sent no verdict";
      line = request.payer() + " did not say whether the payment of " + request.amountUnits()
          + " settled; check your balance with list";
    } else {
      outcome = "payer says " + relay.format() + ", not confirmed";
      line = (relay.isOk() ? "received " + from + ": the payer says settled, not confirmed"
          : "the payment of " + from + " did not settle, the payer says (" + relay.format()
          + ")") + " (" + status.unknownBecause() + ")";
    }
    history.add(Direction.RECEIVED, request.payer(), request.amountUnits(), outcome);
    events.notice(line);
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
        return PaymentDecision.decline(DeclineReason.NOT_ACCEPTING);
      case AUTO:
        if (request.amountUnits() > autoMaxUnits) {
          events.notice("declined " + request.amountUnits() + " from " + request.payer()
              + " (over the automatic limit of " + autoMaxUnits + ")");
          return PaymentDecision.decline(DeclineReason.OVER_AUTO_LIMIT);
        }
        return PaymentDecision.accept();
      default:
        Optional<Boolean> answer = prompter.ask(request.payer() + " wants to pay you "
            + request.amountUnits() + (request.memo() == null ? "" : " (memo: " + request.memo()
            + ")") + ". Accept? [y/n]", decisionTimeout);
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
