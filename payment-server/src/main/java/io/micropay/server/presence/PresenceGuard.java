package io.micropay.server.presence;

import io.micropay.server.ledger.SessionGuard;
import io.micropay.server.ledger.TransferCommand;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The barrier of a replacement for servers sharing one PostgreSQL: a transfer settles only if
 * its payer's presence row still names the session that reported it. The rows are read
 * {@code FOR SHARE} in the settlement's transaction, and a login takes the row
 * {@code FOR UPDATE} before it is answered, so the two are put in an order: a settlement that
 * commits first settled before the newer login; one that comes after sees the newer session and
 * settles nothing of the older one, on whichever server it was queued. An account with no row
 * (its server's lease lapsed while the database was away) is held by nobody else, and passes.
 */
public final class PresenceGuard implements SessionGuard {
  private final String serverId;

  public PresenceGuard(String serverId) {
    this.serverId = serverId;
  }

  @Override
  public Set<Integer> replaced(Connection connection, List<TransferCommand> batch)
      throws SQLException {
    Set<String> payers = new HashSet<>();
    for (TransferCommand command : batch) {
      if (command.sessionId() != TransferCommand.NO_SESSION) {
        payers.add(command.payer());
      }
    }
    if (payers.isEmpty()) {
      return Set.of();
    }
    Map<String, Long> ownSessions = new HashMap<>();
    Set<String> heldElsewhere = new HashSet<>();
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT account, server_id, session_id FROM micropay_presence "
            + "WHERE account = ANY (?) ORDER BY account FOR SHARE")) {
      query.setArray(1, connection.createArrayOf("varchar", payers.toArray()));
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          if (serverId.equals(rows.getString(2))) {
            ownSessions.put(rows.getString(1), rows.getLong(3));
          } else {
            heldElsewhere.add(rows.getString(1));
          }
        }
      }
    }
    Set<Integer> replaced = new HashSet<>();
    for (int i = 0; i < batch.size(); i++) {
      TransferCommand command = batch.get(i);
      if (command.sessionId() == TransferCommand.NO_SESSION) {
        continue;
      }
      Long owner = ownSessions.get(command.payer());
      if (heldElsewhere.contains(command.payer())
          || owner != null && owner != command.sessionId()) {
        replaced.add(i);
      }
    }
    return replaced;
  }
}
