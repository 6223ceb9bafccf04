package io.micropay.server.session;

import io.micropay.protocol.Reply;
import io.micropay.protocol.Request;
import io.micropay.server.ledger.DepositResult;
import io.micropay.server.ledger.OpenAccountResult;

/**
 * The requests of one session that change an account without a login: {@code REGISTER} and
 * {@code DEPOSIT}. Each acts only for the session's certificate name.
 */
final class AccountRequests {
  private final Session session;
  private final ServerContext context;

  AccountRequests(Session session, ServerContext context) {
    this.session = session;
    this.context = context;
  }

  void register(Request.Register register) {
    String name = session.certificateName();
    if (!register.name().equals(name)) {
      session.refuse("REGISTER#" + register.name() + " refused: the certificate is for " + name);
      session.reply(Reply.FAIL.wire());
      return;
    }
    long deposit = register.openingDepositUnits();
    if (deposit > 0 && deposit > context.maxDepositUnits()) {
      session.refuse("REGISTER refused: opening deposit " + deposit + " is over the limit "
          + context.maxDepositUnits());
      session.reply(Reply.FAIL.wire());
      return;
    }
    OpenAccountResult result = context.ledger().openAccount(name,
        context.initialBalanceUnits(), deposit);
    if (result == OpenAccountResult.OPENED) {
      session.event("registered (balance " + (context.initialBalanceUnits() + deposit) + ")");
      session.reply(Reply.OK.wire());
    } else {
      session.refuse("REGISTER refused: " + result);
      session.reply(Reply.FAIL.wire());
    }
  }

  void deposit(Request.Deposit deposit) {
    String name = session.certificateName();
    if (!deposit.name().equals(name)) {
      session.refuse("DEPOSIT for " + deposit.name() + " refused: the certificate is for "
          + name);
      session.reply(Reply.DEPOSIT_FAIL.wire());
      context.metrics().deposit(false, deposit.amountUnits());
      return;
    }
    if (deposit.amountUnits() > context.maxDepositUnits()) {
      session.refuse("DEPOSIT of " + deposit.amountUnits() + " refused: "
          + (context.maxDepositUnits() == 0 ? "deposits are disabled"
              : "the limit is " + context.maxDepositUnits()));
      session.reply(Reply.DEPOSIT_FAIL.wire());
      context.metrics().deposit(false, deposit.amountUnits());
      return;
    }
    DepositResult result = context.ledger().deposit(name, deposit.amountUnits());
    if (result == DepositResult.OK) {
      session.event("deposited " + deposit.amountUnits());
      session.reply(Reply.DEPOSIT_OK.wire());
    } else {
      session.refuse("DEPOSIT of " + deposit.amountUnits() + " refused: " + result);
      session.reply(Reply.DEPOSIT_FAIL.wire());
    }
    context.metrics().deposit(result == DepositResult.OK, deposit.amountUnits());
  }
}
