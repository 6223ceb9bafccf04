package io.micropay.server.ledger;

/** An account and its balance. */
public record AccountBalance(String name, long balanceUnits) {
}
