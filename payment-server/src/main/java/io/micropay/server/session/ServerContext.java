package io.micropay.server.session;

import io.micropay.server.metrics.ServerMetrics;
import io.micropay.server.ledger.Ledger;

/**
 * What every session shares: the ledger, settlement, presence, the log, and the few settings a
 * session needs.
 *
 * @param ledger accounts and balances
 * @param settlement where transfer reports go to be settled
 * @param presence who is online
 * @param log the session log
 * @param serverPublicKeyBase64 the online list's second line
 * @param initialBalanceUnits what a new account opens with
 * @param maxDepositUnits the largest deposit accepted; 0 disables deposits
 * @param idleTimeoutMillis how long a session may send nothing; told to version-2 peers
 * @param metrics what the sessions count
 */
public record ServerContext(Ledger ledger, Settlement settlement, Presence presence, EventLog log,
    String serverPublicKeyBase64, long initialBalanceUnits, long maxDepositUnits,
    long idleTimeoutMillis, ServerMetrics metrics) {
}
