package io.micropay.server.ledger;

import java.util.List;

/**
 * Every account and its balance, as {@code payment-server accounts} prints it, whether it read
 * the ledger itself or asked a running server.
 *
 * @param accounts the accounts, sorted by name
 */
public record AccountsReport(List<AccountBalance> accounts) {

  /** Keeps an unmodifiable copy. */
  public AccountsReport {
    accounts = List.copyOf(accounts);
  }

  /** The sum of all balances. */
  public long totalUnits() {
    long total = 0;
    for (AccountBalance account : accounts) {
      total += account.balanceUnits();
    }
    return total;
  }

  /** A table of names and balances with a total line. */
  public String describe() {
    StringBuilder text = new StringBuilder();
    text.append(String.format("%-32s  %25s%n", "ACCOUNT", "BALANCE"));
    for (AccountBalance account : accounts) {
      text.append(String.format("%-32s  %25d%n", account.name(), account.balanceUnits()));
    }
    text.append(String.format("%d account(s), %d units in all", accounts.size(), totalUnits()));
    return text.toString();
  }
}
