package io.micropay.server.ledger;

/** Every test of {@link LedgerConcurrencyTest}, on a real PostgreSQL server. */
class PostgresLedgerConcurrencyTest extends LedgerConcurrencyTest {
  @Override
  Dialect dialect() {
    return Dialect.POSTGRESQL;
  }
}
