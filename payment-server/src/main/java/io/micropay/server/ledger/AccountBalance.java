package io.micropay.server.ledger;

/**
 * An account and its balance.
 *
 * @param name the account name (the certificate CN of its owner)
 * @param balanceUnits its balance in whole units, 0 to {@link Ledger#MAX_BALANCE_UNITS}
 */
public record AccountBalance(String name, long balanceUnits) {
}
