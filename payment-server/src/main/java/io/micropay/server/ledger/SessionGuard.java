package io.micropay.server.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * The barrier of a replacement across servers: inside a settlement's own transaction, which of
 * its transfers come from a session that is no longer its payer's session, because a newer login
 * (on any server) took the account. Those settle nothing. The check locks what it reads until the
 * settlement commits, so a login is either before the settlement (and refuses it) or after it.
 */
@FunctionalInterface
public interface SessionGuard {
  /** No check: a server on its own ends replaced sessions itself before answering a login. */
  SessionGuard NONE = (connection, batch) -> Set.of();

  /**
   * The positions in {@code batch} of transfers whose session was replaced.
   *
   * @param connection the settlement's connection, in its transaction
   */
  Set<Integer> replaced(Connection connection, List<TransferCommand> batch) throws SQLException;
}
