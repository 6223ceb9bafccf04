package io.micropay.server.ledger;

/** Every test of {@link LedgerAuditTest}, on a real PostgreSQL server. */
class PostgresLedgerAuditTest extends LedgerAuditTest {
  @Override
  Dialect dialect() {
    return Dialect.POSTGRESQL;
  }
}
