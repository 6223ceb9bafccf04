package io.micropay.server;

import io.micropay.server.ledger.Dialect;
import io.micropay.server.ledger.LedgerDatabase;
import io.micropay.server.presence.PostgresPresence;
import java.util.UUID;

/**
 * Whether this server shares its online list with others: servers on one PostgreSQL ledger act
 * as one service, so they keep the list there too; an embedded Derby ledger belongs to one
 * server, whose memory is the whole list.
 */
final class SharedPresence {
  private SharedPresence() {
  }

  /** The store for {@code database}'s servers, or null when this server is alone. */
  static PostgresPresence of(LedgerDatabase database, ServerConfig config) {
    if (database.dialect() != Dialect.POSTGRESQL) {
      return null;
    }
    // A new id at every start: a restarted server must not inherit the rows of its past life,
    // whose sessions are gone.
    String serverId = UUID.randomUUID().toString();
    return new PostgresPresence(database, serverId,
        config.bindAddress().getHostString() + ":" + config.bindAddress().getPort(),
        PostgresPresence.DEFAULT_LEASE, PostgresPresence.DEFAULT_HEARTBEAT);
  }
}
