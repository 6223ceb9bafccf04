package io.micropay.server.session;

import io.micropay.protocol.OnlineList;
import io.micropay.protocol.ParsedRequest;
import io.micropay.protocol.Reply;
import io.micropay.protocol.Request;
import io.micropay.protocol.RequestParser;
import io.micropay.protocol.TransferFailure;
import io.micropay.protocol.TransferResult;
import io.micropay.protocol.Wire;
import io.micropay.server.ledger.DepositResult;
import io.micropay.server.ledger.OpenAccountResult;
import io.micropay.server.ledger.TransferCommand;
import io.micropay.server.ledger.TransferOutcome;
import io.micropay.server.transport.Connection;
import io.micropay.server.transport.InboundHandler;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;

/**
 * One peer's conversation with the server (PROTOCOL.md section 4), a small state machine:
 * connected, then logged in, then closed. Every message that names an account acts for it only
 * when the connection's certificate CN is that name. Calls arrive one at a time, in order
 * ({@link InboundHandler}), so the state needs no locking.
 */
public final class Session implements InboundHandler {
  private enum State { CONNECTED, LOGGED_IN, CLOSED }

  private final Connection connection;
  private final ServerContext context;
  private final String certificateName;
  private volatile State state = State.CONNECTED;

  public Session(Connection connection, ServerContext context) {
    this.connection = connection;
    this.context = context;
    this.certificateName = connection.identity().accountName();
  }

  /** The account this session's certificate speaks for. */
  public String certificateName() {
    return certificateName;
  }

  /** The connection under this session. */
  public Connection connection() {
    return connection;
  }

  @Override
  public CompletionStage<?> onLine(String line) {
    context.log().received(connection.id(), certificateName, line);
    ParsedRequest parsed = RequestParser.parse(line);
    if (parsed.isRejected()) {
      context.log().refused(connection.id(), certificateName,
          "malformed request: " + parsed.reason());
      reply(parsed.reply().wire());
      return null;
    }
    Request request = parsed.request();
    if (request instanceof Request.Register register) {
      register(register);
    } else if (request instanceof Request.Login login) {
      login(login);
    } else if (request instanceof Request.ListOnline) {
      listOnline();
    } else if (request instanceof Request.TransferReport report) {
      return transfer(report);
    } else if (request instanceof Request.Deposit deposit) {
      deposit(deposit);
    } else if (request instanceof Request.Exit) {
      exit();
    } else {
      throw new IllegalStateException("unhandled request type " + request);
    }
    return null;
  }

  @Override
  public void onLineTooLong() {
    context.log().refused(connection.id(), certificateName, "request line too long; closing");
    send(Reply.FORMAT_ERROR.wire(), true);
  }

  @Override
  public void onClosed(String reason) {
    boolean wasOnline = state == State.LOGGED_IN;
    state = State.CLOSED;
    if (wasOnline) {
      // A connection that ends without Exit (crash, Ctrl-C, network loss) counts as Exit.
      context.presence().leave(certificateName, this);
      context.log().event(connection.id(), certificateName, "offline (" + reason + ")");
    }
  }

  /** Ends this session because a newer login of the same account replaced it. */
  void replaced() {
    connection.close("replaced by a newer login of " + certificateName);
  }

  private void register(Request.Register register) {
    if (!register.name().equals(certificateName)) {
      refuse("REGISTER#" + register.name() + " refused: the certificate is for "
          + certificateName);
      reply(Reply.FAIL.wire());
      return;
    }
    long deposit = register.openingDepositUnits();
    if (deposit > 0 && deposit > context.maxDepositUnits()) {
      refuse("REGISTER refused: opening deposit " + deposit + " is over the limit "
          + context.maxDepositUnits());
      reply(Reply.FAIL.wire());
      return;
    }
    OpenAccountResult result = context.ledger().openAccount(certificateName,
        context.initialBalanceUnits(), deposit);
    if (result == OpenAccountResult.OPENED) {
      context.log().event(connection.id(), certificateName, "registered (balance "
          + (context.initialBalanceUnits() + deposit) + ")");
      reply(Reply.OK.wire());
    } else {
      refuse("REGISTER refused: " + result);
      reply(Reply.FAIL.wire());
    }
  }

  private void login(Request.Login login) {
    if (!login.name().equals(certificateName)) {
      refuse("login as " + login.name() + " refused: the certificate is for " + certificateName);
      reply(Reply.AUTH_FAIL.wire());
      return;
    }
    if (context.ledger().balance(certificateName).isEmpty()) {
      refuse("login refused: " + certificateName + " is not registered");
      reply(Reply.AUTH_FAIL.wire());
      return;
    }
    String ip = connection.remoteAddress().getHostAddress();
    state = State.LOGGED_IN;
    context.presence().login(certificateName, ip, login.port(), this)
        .ifPresent(Session::replaced);
    context.log().event(connection.id(), certificateName, "online at " + ip + ":" + login.port());
    listOnline();
  }

  private void listOnline() {
    if (state != State.LOGGED_IN) {
      refuse("List refused: not logged in");
      reply(Reply.AUTH_FAIL.wire());
      return;
    }
    OptionalLong balance = context.ledger().balance(certificateName);
    send(OnlineList.encode(balance.orElseThrow(() -> new IllegalStateException(
        "logged-in account " + certificateName + " has no balance")),
        context.serverPublicKeyBase64(), context.presence().snapshot().wireEntries()), false);
  }

  private CompletionStage<?> transfer(Request.TransferReport report) {
    TransferFailure early = earlyFailure(report);
    if (early != null) {
      refuse("transfer " + describe(report) + " refused: " + early);
      reply(TransferResult.failed(early).format());
      return null;
    }
    TransferCommand command = new TransferCommand(report.payer(), report.payee(),
        report.amountUnits(), report.transferId());
    return context.settlement().settle(command).handle((outcome, failure) -> {
      if (failure != null) {
        // No protocol reply says "try again": end the session instead. The payer reconnects
        // and reports again with the same id, which settles at most once.
        context.log().refused(connection.id(), certificateName, "transfer " + describe(report)
            + " could not be settled (" + failure.getMessage() + "); closing the session");
        connection.close("settlement failed");
        return null;
      }
      TransferResult result = toResult(outcome);
      if (!result.isOk()) {
        refuse("transfer " + describe(report) + " " + result.format());
      }
      reply(result.format());
      return null;
    });
  }

  private TransferFailure earlyFailure(Request.TransferReport report) {
    if (state != State.LOGGED_IN) {
      return TransferFailure.NOT_LOGGED_IN;
    }
    if (!report.payer().equals(certificateName)) {
      return TransferFailure.NOT_YOUR_ACCOUNT;
    }
    return null;
  }

  private static TransferResult toResult(TransferOutcome outcome) {
    return switch (outcome.status()) {
      case SETTLED, ALREADY_SETTLED -> TransferResult.ok();
      case SELF_PAYMENT -> TransferResult.failed(TransferFailure.SELF_PAYMENT);
      case UNKNOWN_PAYEE -> TransferResult.failed(TransferFailure.UNKNOWN_PAYEE);
      case DUPLICATE_ID -> TransferResult.failed(TransferFailure.DUPLICATE_ID);
      case INSUFFICIENT_FUNDS -> TransferResult.failed(TransferFailure.INSUFFICIENT_FUNDS);
      case LIMIT_EXCEEDED -> TransferResult.failed(TransferFailure.LIMIT_EXCEEDED);
      case UNKNOWN_PAYER -> throw new IllegalStateException(
          "a logged-in payer has no account: " + outcome);
    };
  }

  private void deposit(Request.Deposit deposit) {
    if (!deposit.name().equals(certificateName)) {
      refuse("DEPOSIT for " + deposit.name() + " refused: the certificate is for "
          + certificateName);
      reply(Reply.DEPOSIT_FAIL.wire());
      return;
    }
    if (deposit.amountUnits() > context.maxDepositUnits()) {
      refuse("DEPOSIT of " + deposit.amountUnits() + " refused: "
          + (context.maxDepositUnits() == 0 ? "deposits are disabled"
              : "the limit is " + context.maxDepositUnits()));
      reply(Reply.DEPOSIT_FAIL.wire());
      return;
    }
    DepositResult result = context.ledger().deposit(certificateName, deposit.amountUnits());
    if (result == DepositResult.OK) {
      context.log().event(connection.id(), certificateName, "deposited "
          + deposit.amountUnits());
      reply(Reply.DEPOSIT_OK.wire());
    } else {
      refuse("DEPOSIT of " + deposit.amountUnits() + " refused: " + result);
      reply(Reply.DEPOSIT_FAIL.wire());
    }
  }

  private void exit() {
    // The account goes offline now, not when the socket is finally closed.
    if (state == State.LOGGED_IN) {
      context.presence().leave(certificateName, this);
    }
    state = State.CLOSED;
    send(Reply.BYE.wire(), true);
    context.log().event(connection.id(), certificateName, "exit");
  }

  private void refuse(String what) {
    context.log().refused(connection.id(), certificateName, what);
  }

  private void reply(String line) {
    send(line, false);
  }

  private void send(String line, boolean thenClose) {
    send(Wire.encodeLine(line), thenClose);
  }

  private void send(byte[] bytes, boolean thenClose) {
    context.log().sent(connection.id(), certificateName, bytes);
    if (thenClose) {
      connection.sendAndClose(bytes);
    } else {
      connection.send(bytes);
    }
  }

  private static String describe(Request.TransferReport report) {
    return report.payer() + "#" + report.amountUnits() + "#" + report.payee()
        + (report.transferId() == null ? "" : " id=" + report.transferId());
  }
}
