package io.micropay.peer;

import io.micropay.peer.History.Direction;
import io.micropay.peer.PeerFailure.Kind;
import io.micropay.peer.net.PeerConnector.Conversation;
import io.micropay.peer.net.PeerConnector;
import io.micropay.peer.net.ServerSession;
import io.micropay.pki.PeerIdentityException;
import io.micropay.pki.TlsFactory;
import io.micropay.protocol.Amounts;
import io.micropay.protocol.DeclineReason;
import io.micropay.protocol.Limits;
import io.micropay.protocol.OnlineEntry;
import io.micropay.protocol.OnlineList;
import io.micropay.protocol.Printable;
import io.micropay.protocol.Request;
import io.micropay.protocol.TransferFailure;
import io.micropay.protocol.TransferId;
import io.micropay.protocol.TransferResult;
import io.micropay.rules.AccountNames;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journey of one payment (DESIGN.md): look the payee up in a fresh online list, ask the payee
 * directly over mutual TLS, and only when it says OK report the transfer to the server on this
 * peer's own session, with a fresh transfer id. A report whose connection drops is sent again
 * with the same id, so it settles at most once. Finally the server's verdict is relayed to the
 * payee. Every failure becomes one {@link PeerFailure} that says what happened. A report whose
 * session is lost waits for the {@link ServerLink} to be back (at most {@link PeerConfig#reportWait()})
 * and is sent again there.
 */
final class PaymentService {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentService.class);

  private final PeerNode node;
  private final PeerConnector connector;
  private final History history;

  PaymentService(PeerNode node, PeerConnector connector, History history) {
    this.node = node;
    this.connector = connector;
    this.history = history;
  }

  PaymentReceipt pay(String payee, long amountUnits, Consumer<String> progress) {
    return pay(payee, amountUnits, null, progress);
  }

  /** As {@link #pay(String, long, Consumer)} with a memo (null for none; see Memo). */
  PaymentReceipt pay(String payee, long amountUnits, String memo, Consumer<String> progress) {
    if (memo != null && !io.micropay.protocol.Memo.isValid(memo)) {
      throw new PeerFailure(Kind.GENERAL, "bad memo: " + io.micropay.protocol.Memo.problem(memo));
    }
    if (!Amounts.isValid(amountUnits)) {
      throw new PeerFailure(Kind.GENERAL, "an amount must be " + Limits.MIN_AMOUNT + " to "
          + Limits.MAX_AMOUNT + ", not " + amountUnits);
    }
    if (!AccountNames.isValid(payee)) {
      throw new PeerFailure(Kind.GENERAL, "'" + Printable.of(payee) + "' is not an account "
          + "name: " + AccountNames.RULE);
    }
    if (payee.equals(node.name())) {
      throw new PeerFailure(Kind.GENERAL, "you cannot pay yourself");
    }
    OnlineList online = node.list();
    OnlineEntry entry = online.find(payee).orElseThrow(() -> new PeerFailure(
        Kind.PAYEE_UNAVAILABLE, payee + " is not online; they must be logged in to be paid"));
    if (online.balanceUnits() < amountUnits) {
      throw new PeerFailure(Kind.REFUSED_BY_SERVER, "insufficient funds: your balance is "
          + online.balanceUnits() + ", the payment is " + amountUnits);
    }
    Request.TransferReport request = new Request.TransferReport(node.name(), amountUnits, payee,
        TransferId.random(), memo);
    progress.accept("asking " + payee + " to accept " + amountUnits + " ...");
    try (Conversation conversation = ask(entry, request)) {
      if (!conversation.decision().isAccepted()) {
        DeclineReason reason = conversation.decision().declined().orElseThrow();
        history.add(Direction.PAID, payee, amountUnits, "declined: " + reason.name());
        throw new PeerFailure(Kind.DECLINED, declined(payee, amountUnits, reason));
      }
      if (!conversation.memoDelivered()) {
        progress.accept(payee + "'s peer speaks protocol version 1: it gets the payment "
            + "without the memo (the server still stores it, if it speaks version 2)");
      }
      TransferResult result = report(request);
      conversation.relay(result);
      history.add(Direction.PAID, payee, amountUnits, result.format());
      if (!result.isOk()) {
        throw refused(result.failure().orElseThrow(), online.balanceUnits(), amountUnits);
      }
    }
    long after = node.list().balanceUnits();
    return new PaymentReceipt(payee, amountUnits, request.transferId(), online.balanceUnits(),
        after);
  }

  /** Why the payee said no, in words. */
  private static String declined(String payee, long amountUnits, DeclineReason reason) {
    String why = switch (reason) {
      case DECLINED_BY_USER -> payee + " declined the payment";
      case OVER_AUTO_LIMIT -> payee + " declined automatically: " + amountUnits
          + " is more than " + payee + " accepts without asking";
      case NOT_ACCEPTING -> payee + " is not accepting payments";
      case TIMEOUT -> payee + " did not answer in time";
      case NOT_ME -> payee + "'s listener says the request was not meant for it";
      case BAD_REQUEST -> payee + " found the request malformed";
    };
    return why + " (" + reason.name() + ")";
  }

  private Conversation ask(OnlineEntry payee, Request.TransferReport request) {
    String where = payee.name() + " at " + payee.ip() + ":" + payee.port();
    try {
      return connector.ask(payee, request);
    } catch (PeerIdentityException e) {
      throw new PeerFailure(Kind.PAYEE_UNAVAILABLE, "refused to pay: " + e.getMessage()
          + "; nothing was sent", e);
    } catch (ConnectException e) {
      throw new PeerFailure(Kind.PAYEE_UNAVAILABLE, "cannot reach " + where
          + " (connection refused): their listener is down", e);
    } catch (SocketTimeoutException e) {
      throw new PeerFailure(Kind.PAYEE_UNAVAILABLE, where + " did not answer in time", e);
    } catch (IOException e) {
      throw new PeerFailure(Kind.PAYEE_UNAVAILABLE, "cannot reach " + where + ": "
          + node.explain(e), e);
    }
  }

  /**
   * Reports the accepted transfer; if the session is lost, waits for the link to be back and
   * sends the same report (same id) again, up to the configured number of attempts. The server
   * settles an id once, however often it hears it.
   */
  private TransferResult report(Request.TransferReport request) {
    int attempts = node.config().reportAttempts();
    Exception last = null;
    ServerSession failed = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try {
        ServerSession session = node.awaitSession(node.config().reportWait(), failed);
        failed = session;
        return session.report(request);
      } catch (IOException e) {
        last = e;
        LOG.warn("report of transfer {} failed (attempt {} of {}): {}", request.transferId(),
            attempt, attempts, TlsFactory.describe(e));
      } catch (PeerFailure e) {
        throw unconfirmed(request, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw unconfirmed(request, e);
      }
    }
    throw unconfirmed(request, last);
  }

  private PeerFailure unconfirmed(Request.TransferReport request, Exception cause) {
    history.add(Direction.PAID, request.payee(), request.amountUnits(),
        "unconfirmed: the server could not be reached");
    return new PeerFailure(Kind.SERVER_UNREACHABLE, request.payee() + " accepted, but the "
        + "server could not be reached to settle the payment (transfer " + request.transferId()
        + "; " + node.status() + "). If a report arrived it settled once; check your balance "
        + "with list when the server is back", cause);
  }

  private static PeerFailure refused(TransferFailure failure, long balance, long amount) {
    String why = switch (failure) {
      case INSUFFICIENT_FUNDS -> "insufficient funds: your balance is " + balance
          + ", the payment is " + amount;
      case LIMIT_EXCEEDED -> "the payee's balance would pass the maximum";
      case UNKNOWN_PAYEE -> "the payee has no account";
      default -> failure.name();
    };
    return new PeerFailure(Kind.REFUSED_BY_SERVER, "the server refused the payment: " + why
        + " (Transfer Fail! " + failure.name() + ")");
  }
}
