package io.micropay.server.ledger;

/** Every test of {@link JdbcLedgerTest}, on a real PostgreSQL server. */
class PostgresJdbcLedgerTest extends JdbcLedgerTest {
  @Override
  Dialect dialect() {
    return Dialect.POSTGRESQL;
  }
}
